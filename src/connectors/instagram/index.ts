import type { Connector } from '../contract.js';
import { appOf } from '../meta-graph/index.js';
import { instagramLogin } from './oauth.js';
import { InstagramOptionsSchema, type InstagramOptions } from './options.js';
import { planInstagram } from './plan.js';
import { INSTAGRAM_FACTS, instagramMedia } from './platform.js';
import { instagramPublisher } from './publish.js';

export { INSTAGRAM_FACTS, IG_LIMITS, checkInstagramMedia } from './platform.js';
export { instagramPublisher, type InstagramProgress } from './publish.js';
export type { InstagramPayload } from './plan.js';

/** Instagram professional accounts: images, carousels, Reels and stories through media containers. */
export const instagram: Connector = {
  facts: INSTAGRAM_FACTS,
  options: InstagramOptionsSchema,
  csvColumns: { instagram_kind: 'kind', instagram_alt_text: 'alt_text' },
  oauth: instagramLogin,
  plan: planInstagram,
  mediaRefs(options) {
    const urls: Array<[string, string]> = [];
    const ids: Array<[string, string]> = [];
    ((options as InstagramOptions).media ?? []).forEach((m, i) => {
      if (m.media_url !== undefined) urls.push([`platform_options.instagram.media.${i}.media_url`, m.media_url]);
      if (m.media_id !== undefined) ids.push([`platform_options.instagram.media.${i}.media_id`, m.media_id]);
    });
    return { urls, ids };
  },
  media: instagramMedia,
  publisher: (config) => instagramPublisher(appOf(config, INSTAGRAM_FACTS.name).http),
  sandbox: {
    load: async () => {
      const { createMetaSandbox } = await import('../../sandbox/meta/index.js');
      return { create: (options) => createMetaSandbox({ ...options, mount: 'instagram' }) };
    },
    app: { clientId: 'pinion-sandbox', clientSecret: 'pinion-sandbox-secret' },
    configFor: (baseUrl) => ({ apiBaseUrl: baseUrl, authorizeUrl: `${baseUrl}/oauth/authorize` }),
  },
};
