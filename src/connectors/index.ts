import type { Config } from '../config/index.js';
import { PINTEREST, PinterestClient } from './pinterest/index.js';
import type { OAuthFlow, Publisher } from './types.js';
import { pinterestPublisher } from './pinterest/publish.js';

export { ConnectorError, isConnectorError, type ConnectorErrorKind } from './errors.js';
export type { TokenSet, AccountIdentity, OAuthFlow, FieldIssue, Publisher, Published, FoundPublished, WithToken } from './types.js';

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
  return new PinterestClient({ apiBaseUrl: p.apiBaseUrl, authorizeUrl: p.authorizeUrl, clientId: p.clientId, clientSecret: p.clientSecret, timeoutMs: p.timeoutMs });
}

export function oauthFlow(config: Config, platform: PlatformId): OAuthFlow {
  switch (platform) {
    case 'pinterest':
      return pinterestClient(config);
  }
}

/** The publish flow of a platform; the scheduler looks publishers up here and knows no platform itself. */
export function publisherFor(config: Config, platform: string): Publisher {
  switch (platform as PlatformId) {
    case 'pinterest':
      return pinterestPublisher(pinterestClient(config));
    default:
      throw new PlatformNotConfigured(`No publisher for platform "${platform}"`);
  }
}

/** Each platform's write budget per account, from config. */
export function budgetFor(config: Config, platform: string): { limit: number; windowMs: number; perDay: number } {
  switch (platform as PlatformId) {
    case 'pinterest': {
      const b = config.pinterest.writeBudget;
      return { limit: b.limit, windowMs: b.windowSeconds * 1000, perDay: b.perDay };
    }
    default:
      throw new PlatformNotConfigured(`No budget for platform "${platform}"`);
  }
}

/**
 * How long after a publish that got no answer the platform may still make the post: the window
 * the scheduler looks for it in before publishing again.
 */
export function outcomeWindowFor(config: Config, platform: string): number {
  switch (platform as PlatformId) {
    case 'pinterest':
      return config.pinterest.outcomeWindowSeconds * 1000;
    default:
      throw new PlatformNotConfigured(`No outcome window for platform "${platform}"`);
  }
}
