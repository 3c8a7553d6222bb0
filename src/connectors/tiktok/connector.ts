import type { Connector, PlatformConfig } from '../contract.js';
import { PlatformNotConfigured } from '../errors.js';
import { TikTokClient } from './client.js';
import { CreatorInfoCache } from './creator-info.js';
import { tiktokMedia } from './media-rules.js';
import { TikTokOptionsSchema, type TikTokOptions } from './options.js';
import { planTikTok } from './plan.js';
import { TIKTOK_FACTS } from './platform.js';
import { tiktokPublisher } from './publish.js';

function client(config: PlatformConfig): TikTokClient {
  if (!config.clientId || !config.clientSecret) {
    throw new PlatformNotConfigured(
      'TikTok is not configured: set PINION_TIKTOK_CLIENT_ID (the client key) and PINION_TIKTOK_CLIENT_SECRET (or run with the sandbox)',
    );
  }
  return new TikTokClient({
    apiBaseUrl: config.apiBaseUrl,
    authorizeUrl: config.authorizeUrl,
    clientKey: config.clientId,
    clientSecret: config.clientSecret,
    timeoutMs: config.timeoutMs,
  });
}

const creators = new CreatorInfoCache();
export const SANDBOX_APP = { clientId: 'pinion-sandbox', clientSecret: 'pinion-sandbox-secret' };

/** TikTok (Content Posting API v2): videos by chunked upload or URL pull, photo posts, direct or to the inbox. */
export const tiktok: Connector = {
  facts: TIKTOK_FACTS,
  options: TikTokOptionsSchema,
  csvColumns: { tiktok_privacy_level: 'privacy_level', tiktok_post_mode: 'post_mode' },
  oauth: client,
  plan: (draft, ctx) => planTikTok(() => client(ctx.config), creators, draft, ctx),
  mediaRefs(options) {
    const o = options as TikTokOptions;
    return { urls: (o.photo_images ?? []).map((url, i): [string, string] => [`platform_options.tiktok.photo_images.${i}`, url]), ids: [] };
  },
  media: tiktokMedia,
  publisher: (config) => tiktokPublisher(client(config)),
  sandbox: {
    load: async () => {
      const { createTikTokSandbox } = await import('../../sandbox/tiktok/index.js');
      return { create: (options) => createTikTokSandbox({ apps: [SANDBOX_APP], ...options }) };
    },
    app: SANDBOX_APP,
    configFor: (baseUrl) => ({ apiBaseUrl: baseUrl, authorizeUrl: `${baseUrl}/v2/auth/authorize/` }),
  },
};
