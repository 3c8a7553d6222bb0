import { errors } from './errors.js';

export interface Page<T> {
  items: T[];
  bookmark: string | null;
}

export function parsePageSize(raw: unknown): number {
  if (raw === undefined || raw === '') return 25;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1 || size > 250) {
    throw errors.invalidParameters('page_size must be an integer between 1 and 250');
  }
  return size;
}

/**
 * The bookmark encodes the id of the last item served, so deletions between pages neither skip nor repeat items.
 * Ids are monotonic decimal strings; `order` says which way the list runs.
 */
export function paginate<T extends { id: string }>(
  all: T[],
  query: { bookmark?: unknown; page_size?: unknown },
  order: 'oldest-first' | 'newest-first',
): Page<T> {
  const pageSize = parsePageSize(query.page_size);
  const sorted = [...all].sort((a, b) => compareIds(a.id, b.id) * (order === 'oldest-first' ? 1 : -1));
  let start = 0;
  if (typeof query.bookmark === 'string' && query.bookmark !== '') {
    const after = decodeBookmark(query.bookmark);
    start = sorted.findIndex((item) => (order === 'oldest-first' ? compareIds(item.id, after) > 0 : compareIds(item.id, after) < 0));
    if (start === -1) start = sorted.length;
  }
  const items = sorted.slice(start, start + pageSize);
  const last = items[items.length - 1];
  const more = start + pageSize < sorted.length;
  return { items, bookmark: more && last ? encodeBookmark(last.id) : null };
}

function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function encodeBookmark(id: string): string {
  return Buffer.from(`after:${id}`).toString('base64url');
}

function decodeBookmark(bookmark: string): string {
  const decoded = Buffer.from(bookmark, 'base64url').toString('utf8');
  const match = /^after:(\d+)$/.exec(decoded);
  if (!match?.[1]) throw errors.invalidParameters('bookmark is not valid');
  return match[1];
}
