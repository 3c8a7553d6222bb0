import type { PlatformConfig } from '../contract.js';
import { GRAPH_VERSION, longLivedLogin } from '../meta-graph/index.js';
import type { OAuthFlow } from '../types.js';
import { IG_SCOPES, INSTAGRAM_FACTS } from './platform.js';

/**
 * Instagram Login (graph.instagram.com): code → short-lived → long-lived token (`ig_exchange_token`),
 * renewed with `ig_refresh_token` once a day old. Instagram accounts linked to a Page come through
 * Facebook Login instead (the facebook platform's connect), with the Page's token.
 */
export const instagramLogin = (config: PlatformConfig): OAuthFlow =>
  longLivedLogin(config, {
    platform: INSTAGRAM_FACTS.name,
    scopes: IG_SCOPES,
    codeHost: 'api.instagram.com',
    graphHost: 'graph.instagram.com',
    grantPrefix: 'ig',
    version: GRAPH_VERSION,
    meFields: 'user_id,username,account_type,name,profile_picture_url',
    // The professional account's id (user_id) is the one the publishing edges take.
    identity: (u) => ({
      externalId: u.user_id ?? u.id!,
      username: u.username ?? u.id!,
      displayName: u.name ?? null,
      avatarUrl: u.profile_picture_url ?? null,
      accountType: u.account_type ?? null,
    }),
  });
