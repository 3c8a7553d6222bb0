import { randomBytes } from 'node:crypto';

/** A log id like TikTok's: a timestamp and random hex. */
export const logId = () => `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}${randomBytes(10).toString('hex').toUpperCase()}`;

/** The Content Posting API's error: always `{data, error:{code, message, log_id}}`, with the HTTP status alongside. */
export class TikTokError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  toBody() {
    return { data: {}, error: { code: this.code, message: this.message, log_id: logId() } };
  }
}

/** The OAuth endpoints' error: `{error, error_description, log_id}`. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }

  toBody() {
    return { error: this.error, error_description: this.description, log_id: logId() };
  }
}

export const ok = <T>(data: T) => ({ data, error: { code: 'ok', message: '', log_id: logId() } });

// Codes from the notes' error list (Content Posting API reference pages); statuses as those pages group them.
export const errors = {
  invalidParam: (detail: string) => new TikTokError(400, 'invalid_param', detail),
  tokenInvalid: () => new TikTokError(401, 'access_token_invalid', 'The access token is invalid or not found in the request.'),
  scopeNotAuthorized: (scope: string) =>
    new TikTokError(401, 'scope_not_authorized', `The user did not authorize the scope required for completing this request (${scope}).`),
  rateLimited: () => new TikTokError(429, 'rate_limit_exceeded', 'API rate limit was exceeded, please try again later.'),
  spamRiskTooManyPosts: () => new TikTokError(403, 'spam_risk_too_many_posts', 'The daily post cap from the API is reached for the current user.'),
  spamRiskPendingShare: () => new TikTokError(403, 'spam_risk_too_many_pending_share', 'The user has too many pending shares in the inbox.'),
  privacyMismatch: (level: string) =>
    new TikTokError(403, 'privacy_level_option_mismatch', `privacy_level ${level} is not among the creator's privacy_level_options.`),
  unaudited: () => new TikTokError(403, 'unaudited_client_can_only_post_to_private_accounts', 'Unaudited clients can only post to private accounts.'),
  urlUnverified: () => new TikTokError(403, 'url_ownership_unverified', 'The domain or URL prefix of the media URL is not verified for this app.'),
  publishNotFound: () => new TikTokError(400, 'invalid_publish_id', 'The publish_id does not exist.'),
  internal: (status: 500 | 503) => new TikTokError(status, 'internal_error', 'Something went wrong. Please try again later.'),
};
