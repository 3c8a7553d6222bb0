import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEED_PARAMS, IG_MEDIA_PARAMS, PHOTO_PARAMS, THREADS_PARAMS, VIDEO_PARAMS } from '../../../src/sandbox/meta/index.js';

const SPECS = resolve(import.meta.dirname, '../../../specs/meta');

/** The parameter names Meta's node spec lists for `POST /{node}/{edge}`. */
function nodeParams(node: string, edge: string): string[] {
  const spec = JSON.parse(readFileSync(`${SPECS}/graph-api-specs/${node}.json`, 'utf8')) as {
    apis: Array<{ method: string; endpoint: string; params?: Array<{ name: string }> }>;
  };
  const api = spec.apis.find((a) => a.method === 'POST' && a.endpoint === edge);
  if (!api) throw new Error(`${node} has no POST ${edge}`);
  return (api.params ?? []).map((p) => p.name);
}

/** The parameter names Meta's Threads Postman collection sends to `POST /{threads-user-id}/threads`. */
function threadsParams(): string[] {
  type Item = {
    item?: Item[];
    request?: { method: string; url: { path?: string[]; query?: Array<{ key: string }> }; body?: { urlencoded?: Array<{ key: string }> } };
  };
  const collection = JSON.parse(readFileSync(`${SPECS}/threads/threads-api.postman_collection.json`, 'utf8')) as Item;
  const names = new Set<string>();
  const walk = (items: Item[]) => {
    for (const it of items) {
      if (it.item) walk(it.item);
      const r = it.request;
      if (r?.method === 'POST' && (r.url.path ?? []).join('/').endsWith('/threads'))
        for (const q of [...(r.url.query ?? []), ...(r.body?.urlencoded ?? [])]) names.add(q.key);
    }
  };
  walk(collection.item ?? []);
  return [...names];
}

/**
 * The Graph sandbox refuses any parameter outside its lists (strictParams), so every request the
 * connectors make in the HTTP tests uses only these names; here each list is checked against
 * Meta's own descriptions.
 */
describe('the Graph sandbox accepts only parameters Meta describes', () => {
  it.each([
    ['Instagram containers (Instagram Login)', IG_MEDIA_PARAMS, () => nodeParams('IGUserForIGOnlyAPI', 'media')],
    ['Instagram containers (Facebook Login)', IG_MEDIA_PARAMS, () => nodeParams('IGUser', 'media')],
    ['Page feed posts', FEED_PARAMS, () => nodeParams('Page', 'feed')],
    ['Page photos', PHOTO_PARAMS, () => nodeParams('Page', 'photos')],
    ['Page videos', VIDEO_PARAMS, () => nodeParams('Page', 'videos')],
    ['Threads containers', THREADS_PARAMS, threadsParams],
  ])('%s', (_name, ours, theirs) => {
    const spec = theirs();
    expect(spec.length).toBeGreaterThan(5);
    expect(ours.filter((p) => !spec.includes(p))).toEqual([]);
  });

  it('knows the publish and comment edges', () => {
    expect(nodeParams('IGUser', 'media_publish')).toContain('creation_id');
    expect(nodeParams('IGMedia', 'comments')).toContain('message');
  });
});
