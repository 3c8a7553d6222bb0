import type { RouteDocs } from '../common/index.js';

export const DESCRIPTION =
  'An in-memory YouTube Data API v3 for trying Pinion out and for tests: Google’s OAuth consent and token endpoints, resumable video uploads, videos, channels, the uploads playlist and thumbnails, with the project’s daily quota and faults as configured. Not YouTube: its README lists what it follows and where it guesses.';

/** Every route of the emulator: its operationId, what it does, and its tag (see common/openapi.ts). */
export const ROUTE_DOCS: RouteDocs = {
  'GET /o/oauth2/v2/auth': [
    'showConsentPage',
    'Google’s consent page: a channel handle, Allow and Deny. A bad request shows Google’s error text, never a redirect.',
    'oauth',
  ],
  'POST /o/oauth2/v2/auth': [
    'decideConsent',
    'The consent form: redirects with code, state and scope, or error=access_denied. Unknown handles become new channels.',
    'oauth',
  ],
  'POST /token': ['exchangeToken', 'Tokens for an authorization code (PKCE checked) or a refresh token.', 'oauth'],
  'POST /revoke': ['revokeToken', 'Ends the whole grant of a token (access and refresh tokens).', 'oauth'],
  'POST /upload/youtube/v3/videos': [
    'insertVideo',
    'videos.insert, uploadType=resumable: opens an upload session for the Video body given (1,600 units); Location names the session.',
  ],
  'PUT /upload/youtube/v3/videos': [
    'uploadVideoChunk',
    'A chunk of a session (Content-Range): 308 with Range until the last, then 201 with the Video; a status query answers where it stands.',
    'upload',
  ],
  'POST /resumable/upload/youtube/v3/videos': ['insertVideoResumable', 'The same as insertVideo, at the path some clients use.'],
  'PUT /resumable/upload/youtube/v3/videos': ['uploadVideoChunkResumable', 'The same as uploadVideoChunk, at the path some clients use.', 'upload'],
  'GET /youtube/v3/videos': ['listVideos', 'videos.list: the owner’s view of videos by id, with processing details.'],
  'DELETE /youtube/v3/videos': ['deleteVideo', 'videos.delete: removes a video of the channel; 204.'],
  'GET /youtube/v3/channels': ['listChannels', 'channels.list (mine, id or forHandle): the channel and its uploads playlist.'],
  'GET /youtube/v3/playlistItems': ['listPlaylistItems', 'playlistItems.list: the uploads playlist, paginated with opaque page tokens.'],
  'POST /upload/youtube/v3/thumbnails/set': ['setThumbnail', 'thumbnails.set: a JPEG or PNG of at most 2 MiB as the video’s cover.'],
  'POST /youtube/v3/thumbnails/set': ['setThumbnailAlternate', 'The same as setThumbnail, at the path without /upload.'],
  'GET /_sandbox/state': ['inspectState', 'Calls per operation, quota used today per project, videos and upload sessions.'],
  'GET /_sandbox/faults': ['getFaults', 'The fault configuration in force.'],
  'POST /_sandbox/faults': ['setFaults', 'Replaces the fault configuration.'],
  'POST /_sandbox/processing': ['queueProcessingOutcomes', 'Outcomes for the next finished uploads, e.g. {"outcome":"failed","failureReason":"codec"}.'],
  'POST /_sandbox/sessions/expire': ['expireUploadSessions', 'Forgets every upload session now.'],
  'POST /_sandbox/reset': ['resetSandbox', 'Clears all state; the faults go back to those given at creation.'],
};
