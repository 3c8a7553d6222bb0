import type { RouteDocs } from '../common/index.js';

export const DESCRIPTION =
  'An in-memory X API v2 for trying Pinion out and for tests: OAuth 2.0 with PKCE, posts, users and media upload (one-shot and chunked), with rate limits, duplicate refusal and faults as configured. Not X: its README lists what it follows and where it guesses.';

/** Every route of the emulator: its operationId, what it does, and its tag (see common/openapi.ts). */
export const ROUTE_DOCS: RouteDocs = {
  'GET /i/oauth2/authorize': ['showConsentPage', 'The consent page: pick or name a sandbox user, then Authorize or Cancel.', 'oauth'],
  'POST /i/oauth2/authorize': [
    'decideConsent',
    'The consent form: Authorize redirects to redirect_uri with state and code; Cancel with error=access_denied.',
    'oauth',
  ],
  'POST /2/oauth2/token': ['exchangeToken', 'Tokens for an authorization code (PKCE verified) or a refresh token; form body.', 'oauth'],
  'POST /2/oauth2/revoke': ['revokeToken', 'Revokes a token (form field token).', 'oauth'],
  'GET /2/users/me': ['getMe', 'The token’s user: id, name, username (user.fields for more).'],
  'POST /2/tweets': ['createPost', 'Creates a post (text, media ids, reply, quote): 201 with its id and text.'],
  'GET /2/tweets/{id}': ['getPost', 'One post; a missing one is a partial error in a 200.'],
  'DELETE /2/tweets/{id}': ['deletePost', 'Deletes one of the user’s posts.'],
  'GET /2/users/{id}/tweets': ['listUserPosts', 'A user’s posts, newest first, with max_results, pagination_token, start_time, end_time, since_id, until_id.'],
  'POST /2/media/upload': ['uploadMedia', 'One-shot image upload: multipart media and media_category, or JSON with base64 media.'],
  'GET /2/media/upload': ['getMediaStatus', 'The processing status of an upload (command=STATUS, media_id).'],
  'POST /2/media/upload/initialize': ['initializeMediaUpload', 'Starts a chunked upload: media_type, total_bytes, media_category.'],
  'POST /2/media/upload/{id}/append': ['appendMediaUpload', 'One segment of a chunked upload (segment_index and the bytes).'],
  'POST /2/media/upload/{id}/finalize': ['finalizeMediaUpload', 'Ends a chunked upload; videos and GIFs then process for a while.'],
  'POST /2/media/metadata': ['setMediaMetadata', 'Sets the alt text of an upload.'],
  'GET /_sandbox/tweets': ['inspectPosts', 'Every post, optionally of one user_id, deleted ones with include_deleted=true.'],
  'GET /_sandbox/media': ['inspectMedia', 'Every upload with its state and failure reason.'],
  'GET /_sandbox/users': ['inspectUsers', 'Every sandbox user.'],
  'POST /_sandbox/users': ['createSandboxUser', 'Creates a user {username?, name?, scopes?, client_id?}; with scopes, also answers tokens.'],
  'GET /_sandbox/stats': ['inspectStats', 'Calls per operation and per user, counted when they arrive.'],
  'GET /_sandbox/faults': ['getFaults', 'The fault configuration in force.'],
  'PUT /_sandbox/faults': ['setFaults', 'Replaces the fault configuration; 400 on a bad one.'],
  'POST /_sandbox/reset': ['resetSandbox', 'Clears all state and rate-limit windows; the faults go back to those given at creation.'],
};
