import type { RouteDocs } from '../common/index.js';

export const DESCRIPTION =
  'An in-memory LinkedIn for trying Pinion out and for tests: the 3-legged OAuth flow, Sign In with LinkedIn (userinfo), organization roles, and the versioned REST Posts, Images and Videos APIs, with daily throttles and faults as configured. Every /rest call needs LinkedIn-Version and X-Restli-Protocol-Version headers. Not LinkedIn: its README lists what it follows and where it guesses.';

/** Every route of the emulator: its operationId, what it does, and its tag (see common/openapi.ts). */
export const ROUTE_DOCS: RouteDocs = {
  'GET /oauth/v2/authorization': ['showSignInPage', 'The sign-in page: choose a member or name a new one, then Approve or Deny.', 'oauth'],
  'POST /oauth/v2/authorization': ['decideSignIn', 'The sign-in form: Approve redirects with code and state; Deny with error=user_cancelled_login.', 'oauth'],
  'POST /oauth/v2/accessToken': ['exchangeToken', 'Tokens for an authorization code or a refresh token (form body with client_id and client_secret).', 'oauth'],
  'GET /v2/userinfo': ['getUserInfo', 'OpenID Connect userinfo of the token’s member: sub, name, email.'],
  'GET /rest/organizationAcls': ['listOrganizationRoles', 'The member’s roles on organizations (q=roleAssignee, role, state), paginated.'],
  'GET /rest/organizations/{id}': ['getOrganization', 'One organization: name and vanity name.'],
  'POST /rest/posts': [
    'createPost',
    'Creates a post as a member or an organization: 201 with its URN in x-restli-id. Throttled per member and app per UTC day.',
  ],
  'GET /rest/posts': ['listPosts', 'An author’s posts, newest first (q=author), paginated.'],
  'GET /rest/posts/{urn}': ['getPost', 'One post, with its commentary, visibility and content.'],
  'DELETE /rest/posts/{urn}': ['deletePost', 'Deletes a post of the member or organization: 204.'],
  'POST /rest/images': ['initializeImageUpload', 'action=initializeUpload: an image URN and its pre-signed upload URL.'],
  'GET /rest/images/{urn}': ['getImage', 'One image and its status (WAITING_UPLOAD, PROCESSING, AVAILABLE).'],
  'POST /rest/videos': [
    'initializeOrFinalizeVideoUpload',
    'action=initializeUpload: a video URN, upload token and one pre-signed URL per part; action=finalizeUpload: the parts’ ETags in order, then processing.',
  ],
  'GET /rest/videos/{urn}': ['getVideo', 'One video and its status, with the processing failure reason if any.'],
  'PUT /upload/images/{urn}': ['uploadImage', 'The pre-signed image upload URL: the image’s bytes.', 'upload'],
  'PUT /upload/videos/{urn}/{part}': ['uploadVideoPart', 'The pre-signed URL of one video part: exactly its bytes; answers the part’s ETag.', 'upload'],
  'GET /_sandbox/posts': ['inspectPosts', 'Every post, optionally of one author, with the text as LinkedIn shows it.'],
  'GET /_sandbox/images': ['inspectImages', 'Every image with its size.'],
  'GET /_sandbox/videos': ['inspectVideos', 'Every video with its parts.'],
  'GET /_sandbox/stats': ['inspectStats', 'Calls per operation and per member.'],
  'GET /_sandbox/faults': ['getFaults', 'The fault configuration in force.'],
  'POST /_sandbox/faults': ['setFaults', 'Replaces the fault configuration (rates, only, seed, script).'],
  'POST /_sandbox/members': ['createMember', 'Creates a member {name, email?}.'],
  'POST /_sandbox/organizations': ['createOrganization', 'Creates an organization {name, admins: [{member_id, role}]}.'],
  'POST /_sandbox/video-failures': ['failNextVideo', 'The next finalized video fails processing with {reason}.'],
  'POST /_sandbox/reset': ['resetSandbox', 'Clears all state; the faults go back to those given at creation.'],
};
