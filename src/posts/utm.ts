import type { UtmSettings } from '../workspaces/index.js';
import type { UtmParams } from './request.js';

/**
 * The UTM parameters to add to a post's links: the request's own, or the workspace defaults when
 * the request says `utm: true` or says nothing and the workspace has tagging enabled.
 */
export function utmFor(requested: boolean | UtmParams | undefined, workspace: UtmSettings | undefined): UtmParams | undefined {
  if (requested === false) return undefined;
  if (typeof requested === 'object') return requested;
  if (requested === true || workspace?.enabled) {
    const { enabled: _enabled, ...params } = workspace ?? {};
    return Object.keys(params).length ? params : undefined;
  }
  return undefined;
}

/** Adds the parameters, keeping any the link already carries (the link's author chose those). */
export function withUtm(link: string, utm: UtmParams | undefined): string {
  if (!utm) return link;
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return link; // an invalid link is reported by validation; tagging it would hide the original
  }
  for (const [key, value] of Object.entries(utm)) {
    const name = `utm_${key}`;
    if (value !== undefined && !url.searchParams.has(name)) url.searchParams.set(name, value);
  }
  return url.toString();
}
