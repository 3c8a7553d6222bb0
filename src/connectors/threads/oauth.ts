import type { PlatformConfig } from '../contract.js';
import { THREADS_VERSION, appOf, callGraph, exchangeForLongLived, refreshLongLived, type LongLivedApp } from '../meta-graph/index.js';
import type { OAuthFlow } from '../types.js';
import { THREADS_FACTS, THREADS_SCOPES } from './platform.js';

/** Threads' own OAuth: code → short-lived → long-lived token (`th_exchange_token`), renewed with `th_refresh_token`. */
export function threadsLogin(config: PlatformConfig): OAuthFlow {
  const { http, clientId, clientSecret } = appOf(config, THREADS_FACTS.name);
  const app: LongLivedApp = { http, clientId, clientSecret, codeHost: 'graph.threads.net', graphHost: 'graph.threads.net', grantPrefix: 'th', scopes: THREADS_SCOPES };
  const me = (token: string) =>
    callGraph<{ id: string; username?: string; name?: string; threads_profile_picture_url?: string }>(http, {
      method: 'GET',
      host: 'graph.threads.net',
      path: `/${THREADS_VERSION}/me`,
      token,
      query: { fields: 'id,username,name,threads_profile_picture_url' },
    });
  return {
    authorizeUrl({ redirectUri, state }) {
      const url = new URL(config.authorizeUrl);
      url.searchParams.set('client_id', clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('scope', THREADS_SCOPES.join(','));
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('state', state);
      return url.toString();
    },
    exchangeCode: ({ code, redirectUri }) => exchangeForLongLived(app, { code, redirectUri }),
    refresh: (refreshToken) => refreshLongLived(app, refreshToken, me),
    async identify(accessToken) {
      const u = await me(accessToken);
      return { externalId: u.id, username: u.username ?? u.id, displayName: u.name ?? null, avatarUrl: u.threads_profile_picture_url ?? null, accountType: null };
    },
  };
}
