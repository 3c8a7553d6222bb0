import { ConnectorError } from '../errors.js';
import type { AccountIdentity, GrantedAccount, OAuthFlow, TokenSet } from '../types.js';
import { GRAPH_VERSION } from './hosts.js';
import { callGraph, type GraphHttpOptions } from './http.js';

/** What Facebook Login for Business asks for: Pages to post to, and their linked Instagram accounts. */
export const FACEBOOK_LOGIN_SCOPES = [
  'pages_show_list',
  'pages_read_engagement',
  'pages_manage_posts',
  'publish_video',
  'business_management',
  'instagram_basic',
  'instagram_content_publish',
  'instagram_manage_comments',
] as const;

/** Marks an Instagram account reached through a Page (graph.facebook.com, the Page's token). */
export const VIA_FACEBOOK = ' via Facebook Login';

export interface FacebookLoginApp {
  http: GraphHttpOptions;
  authorizeUrl: string;
  clientId: string;
  clientSecret: string;
}

interface PageEntry {
  id: string;
  name: string;
  access_token?: string;
  instagram_business_account?: { id: string; username?: string };
}

const forever = (accessToken: string): TokenSet => ({
  accessToken,
  refreshToken: null,
  accessExpiresAt: null,
  refreshExpiresAt: null,
  scopes: [...FACEBOOK_LOGIN_SCOPES],
});

/**
 * Facebook Login for Business: code → short-lived user token → long-lived user token
 * (`fb_exchange_token`, ~60 days), then every Page the person manages (`/me/accounts`) becomes an
 * account with its Page token, and each Page's linked Instagram professional account another, with
 * the same Page token. A Page token got from a long-lived user token does not expire and there is
 * no refresh: when Meta refuses it (password change, role lost) the account needs reconnecting.
 */
export function facebookLogin(app: FacebookLoginApp): OAuthFlow {
  const v = `/${GRAPH_VERSION}`;
  const call = <T>(path: string, query: Record<string, string>, oauth = false) =>
    callGraph<T>(app.http, { method: 'GET', host: 'graph.facebook.com', path: `${v}${path}`, query, oauth });
  return {
    authorizeUrl({ redirectUri, state }) {
      const url = new URL(app.authorizeUrl);
      url.searchParams.set('client_id', app.clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('state', state);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('scope', FACEBOOK_LOGIN_SCOPES.join(','));
      return url.toString();
    },
    async exchangeCode({ code, redirectUri }) {
      const short = await call<{ access_token: string }>(
        '/oauth/access_token',
        { client_id: app.clientId, client_secret: app.clientSecret, redirect_uri: redirectUri, code },
        true,
      );
      const long = await call<{ access_token: string; expires_in?: number }>(
        '/oauth/access_token',
        { grant_type: 'fb_exchange_token', client_id: app.clientId, client_secret: app.clientSecret, fb_exchange_token: short.access_token },
        true,
      );
      const expires = long.expires_in ? new Date(Date.now() + long.expires_in * 1000) : null;
      return { accessToken: long.access_token, refreshToken: null, accessExpiresAt: expires, refreshExpiresAt: expires, scopes: [...FACEBOOK_LOGIN_SCOPES] };
    },
    async refresh() {
      throw new ConnectorError('auth_revoked', 'Facebook Page tokens cannot be refreshed; reconnect the account');
    },
    async identify(accessToken): Promise<AccountIdentity> {
      const me = await callGraph<{ id: string; name?: string }>(app.http, {
        method: 'GET',
        host: 'graph.facebook.com',
        path: `${v}/me`,
        token: accessToken,
        query: { fields: 'id,name' },
      });
      return { externalId: me.id, username: me.name ?? me.id, displayName: me.name ?? null, avatarUrl: null, accountType: 'page' };
    },
    async accounts(tokens): Promise<GrantedAccount[]> {
      const pages = await callGraph<{ data: PageEntry[] }>(app.http, {
        method: 'GET',
        host: 'graph.facebook.com',
        path: `${v}/me/accounts`,
        token: tokens.accessToken,
        query: { fields: 'id,name,access_token,tasks,instagram_business_account{id,username}', limit: 100 },
      });
      const granted: GrantedAccount[] = [];
      for (const page of pages.data) {
        if (!page.access_token) continue; // a Page the person may see but not post to
        granted.push({
          platform: 'facebook',
          identity: { externalId: page.id, username: page.name, displayName: page.name, avatarUrl: null, accountType: 'page' },
          tokens: forever(page.access_token),
        });
        const ig = page.instagram_business_account;
        if (ig) {
          granted.push({
            platform: 'instagram',
            identity: {
              externalId: ig.id,
              username: ig.username ?? ig.id,
              displayName: `${ig.username ?? ig.id} (${page.name})`,
              avatarUrl: null,
              accountType: `BUSINESS${VIA_FACEBOOK}`,
            },
            tokens: forever(page.access_token),
          });
        }
      }
      if (!granted.length) throw new ConnectorError('rejected', 'This Facebook login manages no Page Pinion may post to; grant access to at least one Page');
      return granted;
    },
  };
}
