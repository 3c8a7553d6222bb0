import type { Connector, PlatformConfig } from '../contract.js';
import { ConnectorError } from '../errors.js';
import { XClient } from './client.js';
import { xMediaRules } from './media.js';
import { XOptionsSchema, type XOptions } from './options.js';
import { planX } from './plan.js';
import { X_FACTS } from './platform.js';
import { xPublisher } from './publish.js';

export { X_FACTS, X_LIMITS, X_MEDIA, weightedLength, postUrl } from './platform.js';
export { XClient, type XAppConfig } from './client.js';
export { callX, type XHttpOptions } from './http.js';
export { XOptionsSchema, type XOptions } from './options.js';
export type { XPayload, XPart, XMediaItem } from './plan.js';
export { xPublisher, type XProgress, type ReadUrl, type XPublishInput } from './publish.js';

/** The configured client; a misconfiguration (no app credentials) is said plainly, not as an account problem. */
function client(config: PlatformConfig): XClient {
  if (!config.clientId || !config.clientSecret) {
    throw new ConnectorError('misconfigured', 'X is not configured: set its client id and secret (or run with the sandbox)');
  }
  return new XClient({
    apiBaseUrl: config.apiBaseUrl,
    authorizeUrl: config.authorizeUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    timeoutMs: config.timeoutMs,
  });
}

/** X (API v2): posts with up to 4 images or one video, long texts fitted or threaded. */
export const xConnector: Connector = {
  facts: X_FACTS,
  options: XOptionsSchema,
  csvColumns: { x_thread: 'thread', x_reply_settings: 'reply_settings', x_alt_text: 'alt_text' },
  oauth: client,
  plan: planX,
  mediaRefs(options) {
    const urls: Array<[string, string]> = [];
    const ids: Array<[string, string]> = [];
    ((options as XOptions).images ?? []).forEach((img, i) => {
      if (img.media_url !== undefined) urls.push([`platform_options.x.images.${i}.media_url`, img.media_url]);
      if (img.media_id !== undefined) ids.push([`platform_options.x.images.${i}.media_id`, img.media_id]);
    });
    return { urls, ids };
  },
  media: xMediaRules,
  publisher: (config) => xPublisher(client(config)),
  sandbox: {
    load: async () => {
      const { createXSandbox } = await import('../../sandbox/x/index.js');
      return { create: (options) => createXSandbox(options) };
    },
    app: { clientId: 'pinion-x-sandbox', clientSecret: 'pinion-x-sandbox-secret' },
    configFor: (baseUrl) => ({ apiBaseUrl: baseUrl, authorizeUrl: `${baseUrl}/i/oauth2/authorize` }),
  },
};
