import type { XContext } from './context.js';
import { randomToken, type IssuedToken } from './state.js';

/**
 * The spec's OAuth2UserToken scopes, plus `users.email` and `block.write`, which the OAuth 2.0 docs list
 * (fundamentals/authentication/oauth-2-0/authorization-code.mdx) but the spec does not.
 */
export const KNOWN_SCOPES: readonly string[] = [
  'block.read',
  'block.write',
  'bookmark.read',
  'bookmark.write',
  'broadcast.read',
  'broadcast.write',
  'dm.read',
  'dm.write',
  'follows.read',
  'follows.write',
  'like.read',
  'like.write',
  'list.read',
  'list.write',
  'media.write',
  'mute.read',
  'mute.write',
  'offline.access',
  'space.read',
  'timeline.read',
  'tweet.moderate.write',
  'tweet.read',
  'tweet.write',
  'users.email',
  'users.read',
];

export interface TokenResponse {
  token_type: 'bearer';
  expires_in: number;
  access_token: string;
  /** Space-separated, as requested at authorize time. */
  scope: string;
  /** Only when the grant includes `offline.access`. */
  refresh_token?: string;
}

/** OAuth 2.0 scopes are space-separated (RFC 6749 §3.3); X's authorize URLs use `%20`. */
export function parseScopes(raw: unknown): string[] {
  if (typeof raw !== 'string') return [];
  return [...new Set(raw.split(' ').filter((s) => s !== ''))];
}

export function issueTokens(ctx: XContext, userId: string, scopes: string[], clientId: string): TokenResponse {
  const now = ctx.clock.now();
  const { accessTokenTtlSeconds, refreshTokenTtlSeconds } = ctx.options;
  const issue = (kind: IssuedToken['kind'], ttlSeconds: number): IssuedToken => {
    const token: IssuedToken = { token: randomToken(), kind, clientId, userId, scopes: [...scopes], expiresAt: now + ttlSeconds * 1000 };
    ctx.state.tokens.set(token.token, token);
    return token;
  };
  const access = issue('access', accessTokenTtlSeconds);
  const response: TokenResponse = { token_type: 'bearer', expires_in: accessTokenTtlSeconds, access_token: access.token, scope: scopes.join(' ') };
  if (scopes.includes('offline.access')) response.refresh_token = issue('refresh', refreshTokenTtlSeconds).token;
  return response;
}
