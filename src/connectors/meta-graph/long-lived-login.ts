import type { PlatformConfig } from '../contract.js';
import type { AccountIdentity, OAuthFlow } from '../types.js';
import { appOf } from './app.js';
import type { MetaHost } from './hosts.js';
import { callGraph } from './http.js';
import { exchangeForLongLived, refreshLongLived } from './long-lived.js';

export interface LongLivedLoginSpec {
  platform: string;
  scopes: readonly string[];
  codeHost: MetaHost;
  graphHost: MetaHost;
  grantPrefix: 'ig' | 'th';
  version: string;
  /** Fields of `GET /me` read to name the account. */
  meFields: string;
  identity(me: Record<string, string | undefined>): AccountIdentity;
}

/** The OAuth flow of a login with long-lived tokens (Instagram Login, Threads): authorize, exchange, refresh, identify. */
export function longLivedLogin(config: PlatformConfig, spec: LongLivedLoginSpec): OAuthFlow {
  const { http, clientId, clientSecret } = appOf(config, spec.platform);
  const app = { http, clientId, clientSecret, codeHost: spec.codeHost, graphHost: spec.graphHost, grantPrefix: spec.grantPrefix, scopes: spec.scopes };
  const me = (token: string) =>
    callGraph<Record<string, string | undefined>>(http, {
      method: 'GET',
      host: spec.graphHost,
      path: `/${spec.version}/me`,
      token,
      query: { fields: spec.meFields },
    });
  return {
    authorizeUrl({ redirectUri, state }) {
      const url = new URL(config.authorizeUrl);
      url.searchParams.set('client_id', clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('scope', spec.scopes.join(','));
      url.searchParams.set('state', state);
      return url.toString();
    },
    exchangeCode: ({ code, redirectUri }) => exchangeForLongLived(app, { code, redirectUri }),
    refresh: (refreshToken) => refreshLongLived(app, refreshToken, me),
    identify: async (accessToken) => spec.identity(await me(accessToken)),
  };
}
