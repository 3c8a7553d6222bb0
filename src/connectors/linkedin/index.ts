import type { Connector, PlatformConfig } from '../contract.js';
import { PlatformNotConfigured } from '../errors.js';
import { LinkedInClient } from './client.js';
import { linkedInMediaRules } from './media.js';
import { LinkedInOptionsSchema, type LinkedInOptions } from './options.js';
import { planLinkedIn } from './plan.js';
import { LINKEDIN_FACTS } from './platform.js';
import { linkedInPublisher } from './publish.js';

export { LINKEDIN_FACTS, LINKEDIN_LIMITS, LINKEDIN_MEDIA, DEFAULT_LINKEDIN_VERSION, postUrl } from './platform.js';
export { escapeLittleText, littleTextLength, mentionsOf } from './text.js';
export { LinkedInClient, type LinkedInAppConfig } from './client.js';
export { callLinkedIn, nextUtcMidnight } from './http.js';
export { LinkedInOptionsSchema, type LinkedInOptions } from './options.js';
export type { LinkedInPayload, LinkedInMediaItem } from './plan.js';
export { linkedInPublisher, type LinkedInProgress } from './publish.js';
export type { FoundPublished } from './find.js';

const SANDBOX_APP = { clientId: 'pinion-sandbox', clientSecret: 'pinion-sandbox-secret' };

/** The configured client; a missing app is said plainly, as the instance's problem, not an account's. */
function client(config: PlatformConfig): LinkedInClient {
  if (!config.clientId || !config.clientSecret) {
    throw new PlatformNotConfigured('LinkedIn is not configured: set PINION_LINKEDIN_CLIENT_ID and PINION_LINKEDIN_CLIENT_SECRET (or run with the sandbox)');
  }
  return new LinkedInClient({
    apiBaseUrl: config.apiBaseUrl,
    authorizeUrl: config.authorizeUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    timeoutMs: config.timeoutMs,
  });
}

/** LinkedIn (Posts API): members and the company pages they administer; text, article cards, 1–20 images, video. */
export const linkedin: Connector = {
  facts: LINKEDIN_FACTS,
  options: LinkedInOptionsSchema,
  csvColumns: { linkedin_title: 'title', linkedin_visibility: 'visibility', linkedin_alt_text: 'alt_text' },
  oauth: client,
  plan: planLinkedIn,
  mediaRefs(options) {
    const o = options as LinkedInOptions;
    const at = 'platform_options.linkedin';
    const urls: Array<[string, string]> = [];
    const ids: Array<[string, string]> = [];
    if (o.thumbnail_url !== undefined) urls.push([`${at}.thumbnail_url`, o.thumbnail_url]);
    if (o.thumbnail_media_id !== undefined) ids.push([`${at}.thumbnail_media_id`, o.thumbnail_media_id]);
    (o.images ?? []).forEach((img, i) => {
      if (img.media_url !== undefined) urls.push([`${at}.images.${i}.media_url`, img.media_url]);
      if (img.media_id !== undefined) ids.push([`${at}.images.${i}.media_id`, img.media_id]);
    });
    return { urls, ids };
  },
  media: linkedInMediaRules,
  publisher: (config) => linkedInPublisher(client(config)),
  sandbox: {
    load: async () => {
      const { createLinkedInSandbox } = await import('../../sandbox/linkedin/index.js');
      return { create: (options) => createLinkedInSandbox({ apps: [SANDBOX_APP], ...options }) };
    },
    app: SANDBOX_APP,
    configFor: (baseUrl) => ({ apiBaseUrl: baseUrl, authorizeUrl: `${baseUrl}/oauth/v2/authorization` }),
  },
};
