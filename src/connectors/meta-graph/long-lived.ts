import { systemClock, type Clock } from '../../shared/index.js';
import { ConnectorError, refusedGrant } from '../errors.js';
import type { TokenSet } from '../types.js';
import type { MetaHost } from './hosts.js';
import { callGraph, type GraphHttpOptions } from './http.js';

/**
 * Instagram Login and Threads hand out tokens the same way: a code → a short-lived token (1 h) →
 * a long-lived one (60 days) by `<prefix>_exchange_token`, renewed by `<prefix>_refresh_token`
 * (`ig` or `th`) once it is at least 24 hours old and still valid. There is no OAuth refresh
 * token: Pinion keeps the long-lived token with the time it was issued as its refresh credential
 * (`ll1.<issued epoch s>.<expires epoch s>.<token>`), so it knows when Meta will accept a refresh.
 */
export interface LongLivedApp {
  http: GraphHttpOptions;
  clientId: string;
  clientSecret: string;
  /** Host of the code exchange (api.instagram.com, graph.threads.net) and of the token calls. */
  codeHost: MetaHost;
  graphHost: MetaHost;
  /** `ig` or `th`. */
  grantPrefix: 'ig' | 'th';
  scopes: readonly string[];
  clock?: Clock;
}

/** Meta refuses refreshing a token younger than a day. */
const MIN_REFRESH_AGE_MS = 86_400_000;

interface TokenAnswer {
  access_token: string;
  expires_in?: number;
  user_id?: string | number;
}

const credential = (token: string, issuedAt: number, expiresAt: number) => `ll1.${Math.floor(issuedAt / 1000)}.${Math.floor(expiresAt / 1000)}.${token}`;

function parseCredential(refresh: string): { token: string; issuedAt: number; expiresAt: number } {
  const m = /^ll1\.(\d+)\.(\d+)\.(.+)$/s.exec(refresh);
  return m ? { issuedAt: Number(m[1]) * 1000, expiresAt: Number(m[2]) * 1000, token: m[3]! } : { issuedAt: 0, expiresAt: 0, token: refresh };
}

function tokenSet(app: LongLivedApp, t: TokenAnswer, now: number): TokenSet {
  // Meta's examples show 5183944 s (60 days); a missing expires_in is read as that.
  const expires = new Date(now + (t.expires_in ?? 5_183_944) * 1000);
  return {
    accessToken: t.access_token,
    refreshToken: credential(t.access_token, now, expires.getTime()),
    accessExpiresAt: expires,
    refreshExpiresAt: expires,
    scopes: [...app.scopes],
  };
}

/** Code → short-lived → long-lived token set. */
export async function exchangeForLongLived(app: LongLivedApp, input: { code: string; redirectUri: string }): Promise<TokenSet> {
  const clock = app.clock ?? systemClock;
  const short = await callGraph<TokenAnswer>(app.http, {
    method: 'POST',
    host: app.codeHost,
    path: '/oauth/access_token',
    oauth: true,
    form: { client_id: app.clientId, client_secret: app.clientSecret, grant_type: 'authorization_code', redirect_uri: input.redirectUri, code: input.code },
  });
  const long = await callGraph<TokenAnswer>(app.http, {
    method: 'GET',
    host: app.graphHost,
    path: '/access_token',
    oauth: true,
    query: { grant_type: `${app.grantPrefix}_exchange_token`, client_secret: app.clientSecret, access_token: short.access_token },
  });
  return tokenSet(app, long, clock.now());
}

/**
 * Renews the long-lived token. Younger than Meta allows (a day, or half its lifetime where that
 * is shorter, as in the sandbox), the token is checked instead and kept when valid. A refusal means
 * the grant is dead: the person must reconnect.
 */
export async function refreshLongLived(app: LongLivedApp, refresh: string, check: (token: string) => Promise<unknown>): Promise<TokenSet> {
  const clock = app.clock ?? systemClock;
  const { token, issuedAt, expiresAt } = parseCredential(refresh);
  const lifetime = expiresAt - issuedAt;
  const dead = (err: unknown) => {
    throw refusedGrant(err);
  };
  if (issuedAt > 0 && clock.now() - issuedAt < Math.min(MIN_REFRESH_AGE_MS, lifetime / 2)) {
    await check(token).catch(dead);
    const expires = new Date(expiresAt);
    return { accessToken: token, refreshToken: refresh, accessExpiresAt: expires, refreshExpiresAt: expires, scopes: [...app.scopes] };
  }
  const t = await callGraph<TokenAnswer>(app.http, {
    method: 'GET',
    host: app.graphHost,
    path: '/refresh_access_token',
    query: { grant_type: `${app.grantPrefix}_refresh_token`, access_token: token },
  }).catch(dead);
  return tokenSet(app, t, clock.now());
}
