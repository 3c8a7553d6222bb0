/**
 * Meta serves one Graph API from several hosts: graph.facebook.com (Pages, and Instagram through
 * Facebook Login), graph.instagram.com (Instagram Login), api.instagram.com (Instagram Login's code
 * exchange), graph.threads.net (Threads), rupload.facebook.com (resumable uploads) and
 * graph-video.facebook.com (Page videos). A platform's `apiBaseUrl` names its main host; a call to
 * another Meta host goes to that host when the base URL is one of Meta's production hosts, and to
 * the same base URL otherwise (the sandbox serves every host's paths on each mount).
 */
export type MetaHost =
  'graph.facebook.com' | 'graph.instagram.com' | 'api.instagram.com' | 'graph.threads.net' | 'rupload.facebook.com' | 'graph-video.facebook.com';

const PRODUCTION = new Set<string>([
  'graph.facebook.com',
  'graph.instagram.com',
  'api.instagram.com',
  'graph.threads.net',
  'graph.threads.com',
  'rupload.facebook.com',
  'graph-video.facebook.com',
]);

/** The Graph API version Pinion speaks (the latest in the docs it was written against is v25.0). */
export const GRAPH_VERSION = 'v21.0';
export const THREADS_VERSION = 'v1.0';

export function metaUrl(apiBaseUrl: string, host: MetaHost, path: string): URL {
  const base = new URL(apiBaseUrl);
  if (PRODUCTION.has(base.hostname)) return new URL(`https://${host}${path}`);
  return new URL(`${apiBaseUrl.replace(/\/$/, '')}${path}`);
}
