import type { SandboxContext } from './context.js';
import { randomToken, type IssuedToken } from './state.js';

/** Every scope in the spec's pinterest_oauth2 scheme; anything else is rejected at authorize time. */
export const KNOWN_SCOPES = [
  'ads:read',
  'ads:write',
  'billing:read',
  'billing:write',
  'biz_access:read',
  'biz_access:write',
  'boards:read',
  'boards:read_secret',
  'boards:write',
  'boards:write_secret',
  'catalogs:read',
  'catalogs:write',
  'msot:write',
  'pins:read',
  'pins:read_secret',
  'pins:write',
  'pins:write_secret',
  'user_accounts:read',
  'user_accounts:write',
] as const;

export interface TokenResponse {
  access_token: string;
  refresh_token: string;
  response_type: 'authorization_code' | 'refresh_token';
  token_type: 'bearer';
  expires_in: number;
  refresh_token_expires_in: number;
  refresh_token_expires_at: number;
  /** Space-separated as production sends it (`scopeSeparator` option: ','), though the authorize URL uses commas. */
  scope: string;
}

/** Scopes arrive comma-separated in Pinterest's examples; spaces are accepted too since OAuth 2 uses them. */
export function parseScopes(raw: unknown): string[] {
  if (typeof raw !== 'string') return [];
  return [...new Set(raw.split(/[,\s]+/).filter((s) => s !== ''))];
}

export function issueTokenPair(
  ctx: SandboxContext,
  userId: string,
  scopes: string[],
  clientId: string,
  responseType: TokenResponse['response_type'],
): TokenResponse {
  const now = Date.now();
  const { accessTokenTtlSeconds, refreshTokenTtlSeconds } = ctx.options;
  const issue = (kind: IssuedToken['kind'], prefix: string, ttlSeconds: number): IssuedToken => {
    const t: IssuedToken = { token: randomToken(prefix), kind, clientId, userId, scopes: [...scopes], expiresAt: now + ttlSeconds * 1000 };
    ctx.state.tokens.set(t.token, t);
    return t;
  };
  const access = issue('access', 'pina_', accessTokenTtlSeconds);
  const refresh = issue('refresh', 'pinr_', refreshTokenTtlSeconds);
  return {
    access_token: access.token,
    refresh_token: refresh.token,
    response_type: responseType,
    token_type: 'bearer',
    expires_in: accessTokenTtlSeconds,
    refresh_token_expires_in: refreshTokenTtlSeconds,
    refresh_token_expires_at: Math.floor(refresh.expiresAt / 1000),
    scope: scopes.join(ctx.options.scopeSeparator),
  };
}
