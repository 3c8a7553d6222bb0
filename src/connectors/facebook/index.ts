import type { Connector } from '../contract.js';
import { appOf, facebookLogin, graphSandbox, httpOf, listedMedia } from '../meta-graph/index.js';
import { FacebookOptionsSchema, type FacebookOptions } from './options.js';
import { planFacebook } from './plan.js';
import { FACEBOOK_FACTS, facebookMedia } from './platform.js';
import { facebookPublisher } from './publish.js';

export { FACEBOOK_FACTS, FB_LIMITS } from './platform.js';
export { facebookPublisher } from './publish.js';
export type { FacebookPayload } from './plan.js';

/**
 * Facebook Pages: text, link, photo(s) and video posts with the Page's token. One connect (Facebook
 * Login for Business) connects every Page the person manages, and each Page's Instagram account.
 */
export const facebook: Connector = {
  facts: FACEBOOK_FACTS,
  options: FacebookOptionsSchema,
  csvColumns: { facebook_alt_text: 'alt_text', facebook_video_title: 'title' },
  oauth: (config) => facebookLogin({ ...appOf(config, FACEBOOK_FACTS.name), authorizeUrl: config.authorizeUrl }),
  plan: planFacebook,
  mediaRefs: (options) => listedMedia((options as FacebookOptions).photos, 'platform_options.facebook.photos'),
  media: facebookMedia,
  publisher: (config) => facebookPublisher(httpOf(config, FACEBOOK_FACTS.name)),
  sandbox: graphSandbox('facebook', '/v21.0/dialog/oauth'),
};
