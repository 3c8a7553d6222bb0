import type { Connector } from '../contract.js';
import { graphSandbox, httpOf, listedMedia } from '../meta-graph/index.js';
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
  mediaRefs: (options) => listedMedia((options as InstagramOptions).media, 'platform_options.instagram.media'),
  media: instagramMedia,
  publisher: (config) => instagramPublisher(httpOf(config, INSTAGRAM_FACTS.name)),
  sandbox: graphSandbox('instagram', '/oauth/authorize'),
};
