import type { PlatformConfig } from '../contract.js';
import { GRAPH_VERSION, appOf, callGraph, exchangeForLongLived, refreshLongLived, type LongLivedApp } from '../meta-graph/index.js';
import type { OAuthFlow } from '../types.js';
import { IG_SCOPES, INSTAGRAM_FACTS } from './platform.js';

/**
 * Instagram Login (graph.instagram.com): code → short-lived → long-lived token (`ig_exchange_token`),
 * renewed with `ig_refresh_token` once a day old. Instagram accounts linked to a Page come through
 * Facebook Login instead (the facebook platform's connect), with the Page's token.
 */
export function instagramLogin(config: PlatformConfig): OAuthFlow {
  const { http, clientId, clientSecret } = appOf(config, INSTAGRAM_FACTS.name);
  const app: LongLivedApp = { http, clientId, clientSecret, codeHost: 'api.instagram.com', graphHost: 'graph.instagram.com', grantPrefix: 'ig', scopes: IG_SCOPES };
  const me = (token: string) =>
    callGraph<{ id: string; user_id?: string; username?: string; account_type?: string; name?: string; profile_picture_url?: string }>(http, {
      method: 'GET',
      host: 'graph.instagram.com',
      path: `/${GRAPH_VERSION}/me`,
      token,
      query: { fields: 'user_id,username,account_type,name,profile_picture_url' },
    });
  return {
    authorizeUrl({ redirectUri, state }) {
      const url = new URL(config.authorizeUrl);
      url.searchParams.set('client_id', clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('scope', IG_SCOPES.join(','));
      url.searchParams.set('state', state);
      return url.toString();
    },
    exchangeCode: ({ code, redirectUri }) => exchangeForLongLived(app, { code, redirectUri }),
    refresh: (refreshToken) => refreshLongLived(app, refreshToken, me),
    async identify(accessToken) {
      const u = await me(accessToken);
      // The professional account's id (user_id) is the one the publishing edges take.
      return { externalId: u.user_id ?? u.id, username: u.username ?? u.id, displayName: u.name ?? null, avatarUrl: u.profile_picture_url ?? null, accountType: u.account_type ?? null };
    },
  };
}
