import type { RouteDocs } from '../common/index.js';

export const DESCRIPTION =
  'An in-memory TikTok Content Posting API for trying Pinion out and for tests: Login Kit OAuth with PKCE, user info, creator info, direct and inbox video posts (file upload in chunks or pulled from a URL), photo posts and publish status, with rate limits and faults as configured. Not TikTok: its README lists what it follows and where it guesses.';

/** Every route of the emulator: its operationId, what it does, and its tag (see common/openapi.ts). */
export const ROUTE_DOCS: RouteDocs = {
  'GET /v2/auth/authorize/': ['showAuthorizePage', 'The authorize page: a username field, Approve and Deny.', 'oauth'],
  'POST /v2/auth/authorize/': [
    'decideAuthorize',
    'The authorize form: redirects with code, scopes and state, or error=access_denied. Unknown usernames become new creators.',
    'oauth',
  ],
  'POST /v2/oauth/token/': [
    'exchangeToken',
    'Tokens for an authorization code (redirect_uri and PKCE verifier checked) or a refresh token (rotated).',
    'oauth',
  ],
  'POST /v2/oauth/revoke/': ['revokeToken', 'Revokes every token of the grant.', 'oauth'],
  'GET /v2/user/info/': ['getUserInfo', 'The token’s user: open_id, union_id, avatar_url, display_name (fields filtered).'],
  'POST /v2/post/publish/creator_info/query/': [
    'queryCreatorInfo',
    'What the creator may post: privacy levels offered, comment/duet/stitch disabled, longest video.',
  ],
  'POST /v2/post/publish/video/init/': [
    'initVideoPost',
    'Starts a direct video post: post_info checked; FILE_UPLOAD answers publish_id and upload_url, PULL_FROM_URL downloads the URL.',
  ],
  'POST /v2/post/publish/inbox/video/init/': ['initInboxVideo', 'Starts an upload to the creator’s inbox; it ends in SEND_TO_USER_INBOX.'],
  'POST /v2/post/publish/content/init/': ['initPhotoPost', 'Starts a photo post (media_type PHOTO) from 1–35 photo URLs.'],
  'POST /v2/post/publish/status/fetch/': ['fetchPublishStatus', 'A publish’s status, fail reason, public post ids and bytes received.'],
  'PUT /upload/': [
    'uploadVideoChunk',
    'The upload_url: the next chunk of the init’s plan (Content-Range); 206 while chunks are missing, 201 on the last.',
    'upload',
  ],
  'GET /_sandbox/posts': ['inspectPosts', 'Every post made by a completed direct publish, optionally of one open_id.'],
  'GET /_sandbox/publishes': ['inspectPublishes', 'Every publish with its status.'],
  'GET /_sandbox/inbox': ['inspectInbox', 'Uploads that reached a creator’s inbox.'],
  'GET /_sandbox/users': ['inspectUsers', 'Every sandbox creator.'],
  'POST /_sandbox/users': ['createCreator', 'Creates a creator with the settings given (privacy levels offered, longest video …).'],
  'GET /_sandbox/stats': ['inspectStats', 'Calls per operation and per creator.'],
  'GET /_sandbox/faults': ['getFaults', 'The fault configuration in force.'],
  'PUT /_sandbox/faults': ['setFaults', 'Replaces the fault configuration.'],
  'POST /_sandbox/reset': ['resetSandbox', 'Clears all state and rate-limit windows; the faults go back to those given at creation.'],
};
