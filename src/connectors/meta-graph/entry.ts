import type { SandboxEntry } from '../contract.js';

/** The Graph sandbox, configured for one platform's mount (the three share its code and, by `world`, its state). */
export function graphSandbox(mount: 'facebook' | 'instagram' | 'threads', authorizePath: string): SandboxEntry {
  return {
    load: async () => {
      const { createMetaSandbox } = await import('../../sandbox/meta/index.js');
      return { create: (options) => createMetaSandbox({ ...options, mount }) };
    },
    app: { clientId: 'pinion-sandbox', clientSecret: 'pinion-sandbox-secret' },
    configFor: (baseUrl) => ({ apiBaseUrl: baseUrl, authorizeUrl: `${baseUrl}${authorizePath}` }),
  };
}

/** The media URLs and ids a list option names (`platform_options.<id>.<option>.<i>.media_url|media_id`), for checks and lookups. */
export function listedMedia(list: Array<{ media_url?: string; media_id?: string }> | undefined, at: string) {
  const urls: Array<[string, string]> = [];
  const ids: Array<[string, string]> = [];
  (list ?? []).forEach((m, i) => {
    if (m.media_url !== undefined) urls.push([`${at}.${i}.media_url`, m.media_url]);
    if (m.media_id !== undefined) ids.push([`${at}.${i}.media_id`, m.media_id]);
  });
  return { urls, ids };
}
