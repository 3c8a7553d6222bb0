import type { PlatformConfig } from '../contract.js';
import { THREADS_VERSION, longLivedLogin } from '../meta-graph/index.js';
import type { OAuthFlow } from '../types.js';
import { THREADS_FACTS, THREADS_SCOPES } from './platform.js';

/** Threads' own OAuth: code → short-lived → long-lived token (`th_exchange_token`), renewed with `th_refresh_token`. */
export const threadsLogin = (config: PlatformConfig): OAuthFlow =>
  longLivedLogin(config, {
    platform: THREADS_FACTS.name,
    scopes: THREADS_SCOPES,
    codeHost: 'graph.threads.net',
    graphHost: 'graph.threads.net',
    grantPrefix: 'th',
    version: THREADS_VERSION,
    meFields: 'id,username,name,threads_profile_picture_url',
    identity: (u) => ({
      externalId: u.id!,
      username: u.username ?? u.id!,
      displayName: u.name ?? null,
      avatarUrl: u.threads_profile_picture_url ?? null,
      accountType: null,
    }),
  });
