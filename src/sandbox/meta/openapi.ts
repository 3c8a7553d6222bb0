import type { RouteDocs } from '../common/index.js';
import type { Mount } from './context.js';

export const MOUNT_NAMES: Record<Mount, string> = { facebook: 'Facebook', instagram: 'Instagram', threads: 'Threads' };

export const DESCRIPTION =
  'An in-memory Graph API shared by the Facebook, Instagram and Threads mounts (one world of people, Pages, users, tokens and posts): Facebook Login and Instagram/Threads logins, Page feed, photos and videos, Instagram containers and publishing, Threads posts, with usage headers and faults as configured. Every mount answers every route; paths may start with a version (/v21.0/…). Not Meta: its README lists what it follows and where it guesses.';

/** Every route of the emulator: its operationId, what it does, and its tag (see common/openapi.ts). */
export const ROUTE_DOCS: RouteDocs = {
  'GET /dialog/oauth': ['showFacebookLogin', 'Facebook Login’s dialog: a person’s name, Approve or Deny.', 'oauth'],
  'POST /dialog/oauth': ['decideFacebookLogin', 'The dialog’s form: redirects with code and state. Unknown names become new people with one Page.', 'oauth'],
  'GET /oauth/authorize': ['showUserLogin', 'Instagram’s (or Threads’) login page: a username, Approve or Deny.', 'oauth'],
  'POST /oauth/authorize': ['decideUserLogin', 'The login form: redirects with code and state. Unknown usernames become new users.', 'oauth'],
  'GET /oauth/access_token': ['exchangeFacebookToken', 'Facebook: a code for a short-lived user token, or fb_exchange_token for a long-lived one.', 'oauth'],
  'POST /oauth/access_token': ['exchangeUserToken', 'Instagram and Threads logins: a code for a short-lived token.', 'oauth'],
  'GET /access_token': [
    'exchangeLongLivedToken',
    'A short-lived Instagram or Threads token for a long-lived one (ig_exchange_token, th_exchange_token).',
    'oauth',
  ],
  'GET /refresh_access_token': ['refreshLongLivedToken', 'Refreshes a long-lived Instagram or Threads token at least a day old.', 'oauth'],
  'GET /me': ['getMe', 'The token’s person, Page, Instagram or Threads user.'],
  'GET /me/accounts': ['listPages', 'The person’s Pages, with their Page tokens and linked Instagram accounts.'],
  'GET /{id}': ['getNode', 'A node by id: a Page, user, container, post or media, with fields.'],
  'DELETE /{id}': ['deleteNode', 'Deletes a post or media of the token’s owner.'],
  'POST /{id}/feed': ['createPagePost', 'A Page feed post: message, link.'],
  'GET /{id}/feed': ['listPagePosts', 'The Page’s feed posts.'],
  'POST /{id}/photos': ['createPagePhoto', 'A Page photo from a URL, published or not.'],
  'POST /{id}/videos': ['createPageVideo', 'A Page video from a URL.'],
  'GET /{id}/videos': ['listPageVideos', 'The Page’s videos.'],
  'POST /{id}/media': ['createInstagramContainer', 'An Instagram media container (image, video, reel, story, carousel) that then processes.'],
  'POST /{id}/media_publish': [
    'publishInstagramContainer',
    'Publishes a FINISHED container: answers the media id. Counted against the daily publishing limit.',
  ],
  'GET /{id}/media': ['listInstagramMedia', 'The Instagram user’s media.'],
  'GET /{id}/content_publishing_limit': ['getInstagramPublishingLimit', 'Posts published in the last 24 hours against the quota.'],
  'POST /{id}/comments': ['createInstagramComment', 'A comment on a media (a first comment).'],
  'GET /{id}/comments': ['listInstagramComments', 'The comments of a media.'],
  'POST /ig-api-upload/{version}/{id}': ['uploadInstagramVideo', 'Resumable upload of a container’s video bytes (upload_type=resumable).', 'upload'],
  'POST /{id}/threads': ['createThreadsContainer', 'A Threads container (text, image, video, carousel, reply).'],
  'POST /{id}/threads_publish': ['publishThreadsContainer', 'Publishes a Threads container: answers the post id.'],
  'GET /{id}/threads': ['listThreadsPosts', 'The Threads user’s posts.'],
  'GET /{id}/replies': ['listThreadsReplies', 'The replies to a Threads post.'],
  'GET /{id}/threads_publishing_limit': ['getThreadsPublishingLimit', 'Posts and replies in the last 24 hours against the quotas.'],
  'GET /_sandbox/state': ['inspectWorld', 'People, Pages, Instagram and Threads users, containers, posts and comments of the shared world.'],
  'POST /_sandbox/people': ['createPerson', 'A person who can log in {name, pages: [{name, instagram?, accountType?}]}.'],
  'GET /_sandbox/faults': ['getFaults', 'This mount’s fault rules.'],
  'POST /_sandbox/faults': ['setFaults', 'Replaces this mount’s fault rules {rules: [...]}.'],
  'POST /_sandbox/usage': ['setUsage', 'The usage the X-App-Usage and X-Business-Use-Case-Usage headers report {app?, buc?, regainMinutes?}.'],
  'POST /_sandbox/revoke': ['revokeSubject', 'Kills every token of a person, Page or user {subject}, as a password change would.'],
  'POST /_sandbox/reset': ['resetWorld', 'Forgets the whole world (all three mounts).'],
};
