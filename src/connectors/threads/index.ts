import type { Connector } from '../contract.js';
import { graphSandbox, httpOf, listedMedia } from '../meta-graph/index.js';
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
  mediaRefs: (options) => listedMedia((options as ThreadsOptions).media, 'platform_options.threads.media'),
  media: threadsMedia,
  publisher: (config) => threadsPublisher(httpOf(config, THREADS_FACTS.name)),
  sandbox: graphSandbox('threads', '/oauth/authorize'),
};
