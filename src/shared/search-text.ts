/** Option fields, in any platform's options, that hold text a person would search posts by. */
const SEARCHED = ['content', 'link', 'title', 'description'];

/**
 * What `GET /posts?q=` searches: the post's text, link and titles, lower-cased, one per line.
 * Stored beside the post rather than matched against its JSON, so that a search for "board" or
 * "platforms" finds posts that say it, not every post that has such a field.
 */
export function searchTextOf(request: unknown): string {
  const parts: string[] = [];
  const take = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    for (const key of SEARCHED) {
      const value = (node as Record<string, unknown>)[key];
      if (typeof value === 'string' && value) parts.push(value);
    }
  };
  take(request);
  const options = (request as { platform_options?: unknown } | null)?.platform_options;
  if (options && typeof options === 'object') for (const each of Object.values(options)) take(each);
  return parts.join('\n').toLowerCase();
}
