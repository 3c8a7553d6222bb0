import type { Connector } from '../contract.js';
import { appOf } from '../meta-graph/index.js';
import { threadsLogin } from './oauth.js';
import { ThreadsOptionsSchema, type ThreadsOptions } from './options.js';
import { planThreads } from './plan.js';
import { THREADS_FACTS, threadsMedia } from './platform.js';
import { threadsPublisher } from './publish.js';

export { THREADS_FACTS, THREADS_LIMITS } from './platform.js';
export { threadsPublisher, type ThreadsProgress } from './publish.js';
export type { ThreadsPayload, ThreadsPart } from './plan.js';

/** Threads: short texts (or reply chains), images, videos and carousels through containers. */
export const threads: Connector = {
  facts: THREADS_FACTS,
  options: ThreadsOptionsSchema,
  csvColumns: { threads_alt_text: 'alt_text' },
  oauth: threadsLogin,
  plan: planThreads,
  mediaRefs(options) {
    const urls: Array<[string, string]> = [];
    const ids: Array<[string, string]> = [];
    ((options as ThreadsOptions).media ?? []).forEach((m, i) => {
      if (m.media_url !== undefined) urls.push([`platform_options.threads.media.${i}.media_url`, m.media_url]);
      if (m.media_id !== undefined) ids.push([`platform_options.threads.media.${i}.media_id`, m.media_id]);
    });
    return { urls, ids };
  },
  media: threadsMedia,
  publisher: (config) => threadsPublisher(appOf(config, THREADS_FACTS.name).http),
  sandbox: {
    load: async () => {
      const { createMetaSandbox } = await import('../../sandbox/meta/index.js');
      return { create: (options) => createMetaSandbox({ ...options, mount: 'threads' }) };
    },
    app: { clientId: 'pinion-sandbox', clientSecret: 'pinion-sandbox-secret' },
    configFor: (baseUrl) => ({ apiBaseUrl: baseUrl, authorizeUrl: `${baseUrl}/oauth/authorize` }),
  },
};
