import type { Config } from '../config/index.js';
import { PINTEREST, PinterestClient } from './pinterest/index.js';
import type { OAuthFlow } from './types.js';

export { ConnectorError, isConnectorError, type ConnectorErrorKind } from './errors.js';
export type { TokenSet, AccountIdentity, OAuthFlow } from './types.js';

/** Every platform Pinion can connect, as data. Adding one adds an entry here and a folder beside this file. */
export const PLATFORMS = { pinterest: PINTEREST } as const;
export type PlatformId = keyof typeof PLATFORMS;
export const PLATFORM_IDS = Object.keys(PLATFORMS) as PlatformId[];

export class PlatformNotConfigured extends Error {}

/** The configured client of a platform; throws when its app credentials are missing. */
export function pinterestClient(config: Config): PinterestClient {
  const p = config.pinterest;
  if (!p.clientId || !p.clientSecret) {
    throw new PlatformNotConfigured('Pinterest is not configured: set PINTEREST_CLIENT_ID and PINTEREST_CLIENT_SECRET (or run with the sandbox)');
  }
  return new PinterestClient({ apiBaseUrl: p.apiBaseUrl, authorizeUrl: p.authorizeUrl, clientId: p.clientId, clientSecret: p.clientSecret });
}

export function oauthFlow(config: Config, platform: PlatformId): OAuthFlow {
  switch (platform) {
    case 'pinterest':
      return pinterestClient(config);
  }
}
