import type { Connector, PlatformConfig } from '../contract.js';
import { PlatformNotConfigured } from '../errors.js';
import { YouTubeClient } from './client.js';
import { youtubeMediaRules } from './media-rules.js';
import { YouTubeOptionsSchema, type YouTubeOptions } from './options.js';
import { planYouTube } from './plan.js';
import { YOUTUBE_FACTS } from './platform.js';
import { youtubePublisher } from './publish.js';

export { YOUTUBE_FACTS, YT, YT_SCOPES, quotaDay, nextQuotaReset, tagsLength, watchUrl } from './platform.js';
export { YouTubeClient, type YouTubeAppConfig } from './client.js';
export { YouTubeOptionsSchema, type YouTubeOptions } from './options.js';
export { planYouTube, isShort, type YouTubePayload } from './plan.js';
export { youtubePublisher, type YouTubeProgress, type YouTubePublisherOptions } from './publish.js';
export { chunkSize, receivedFrom } from './upload.js';
export { classify, readGoogleError } from './http.js';

export const SANDBOX_APP = { clientId: 'pinion-youtube-sandbox.apps.googleusercontent.com', clientSecret: 'pinion-youtube-sandbox-secret' };

function client(config: PlatformConfig): YouTubeClient {
  if (!config.clientId || !config.clientSecret) {
    throw new PlatformNotConfigured(
      'YouTube is not configured: set PINION_YOUTUBE_CLIENT_ID and PINION_YOUTUBE_CLIENT_SECRET (a Google OAuth client) or run with the sandbox',
    );
  }
  return new YouTubeClient({
    apiBaseUrl: config.apiBaseUrl,
    authorizeUrl: config.authorizeUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    timeoutMs: config.timeoutMs,
  });
}

/** YouTube (Data API v3): one video per post, uploaded resumably, with title, tags, privacy and an optional cover. */
export const youtube: Connector = {
  facts: YOUTUBE_FACTS,
  options: YouTubeOptionsSchema,
  csvColumns: { youtube_title: 'title', youtube_privacy: 'privacy_status', youtube_category: 'category_id' },
  oauth: client,
  plan: planYouTube,
  // The cover URL is not listed: posts/ would judge it by the video rules; the publisher checks it before uploading.
  mediaRefs(options) {
    const id = (options as YouTubeOptions).cover_media_id;
    return { urls: [], ids: id === undefined ? [] : [[`platform_options.${YOUTUBE_FACTS.id}.cover_media_id`, id]] };
  },
  media: youtubeMediaRules,
  publisher: (config) => youtubePublisher(client(config), { quota: config.quota ?? YOUTUBE_FACTS.quota! }),
  sandbox: {
    load: async () => {
      const { createYouTubeSandbox } = await import('../../sandbox/youtube/index.js');
      return { create: (options) => createYouTubeSandbox({ apps: [SANDBOX_APP], ...options }) };
    },
    app: SANDBOX_APP,
    configFor: (baseUrl) => ({ apiBaseUrl: baseUrl, authorizeUrl: `${baseUrl}/o/oauth2/v2/auth` }),
  },
};
