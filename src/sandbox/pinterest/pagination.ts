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
 * What a list endpoint shows: production's lists lag its writes (a guess at how long: `listLagMs`), so
 * something created less than `lagMs` ago is left out, while reading it by id works at once.
 */
export function listed<T extends { createdAt: Date }>(items: T[], lagMs: number, now = Date.now()): T[] {
  return lagMs > 0 ? items.filter((item) => now - item.createdAt.getTime() >= lagMs) : items;
}

/** Ids run with creation; boards are listed by name (`GET /v5/boards` in production, http_logs.txt). */
export type ListOrder = 'oldest-first' | 'newest-first' | 'by-name';

interface Position {
  id: string;
  name?: string;
}

/**
 * The bookmark encodes the position of the last item served (its id, and its name for name order),
 * so deletions between pages neither skip nor repeat items.
 */
export function paginate<T extends Position>(all: T[], query: { bookmark?: unknown; page_size?: unknown }, order: ListOrder): Page<T> {
  const pageSize = parsePageSize(query.page_size);
  const compare = (a: Position, b: Position) => comparePositions(a, b, order);
  const sorted = [...all].sort(compare);
  let start = 0;
  if (typeof query.bookmark === 'string' && query.bookmark !== '') {
    const after = decodeBookmark(query.bookmark, order);
    start = sorted.findIndex((item) => compare(item, after) > 0);
    if (start === -1) start = sorted.length;
  }
  const items = sorted.slice(start, start + pageSize);
  const last = items[items.length - 1];
  const more = start + pageSize < sorted.length;
  return { items, bookmark: more && last ? encodeBookmark(last, order) : null };
}

function comparePositions(a: Position, b: Position, order: ListOrder): number {
  if (order === 'by-name') {
    // Guess: case-insensitive (production's sample is in the same order either way); ties by creation.
    const byName = (a.name ?? '').toLowerCase().localeCompare((b.name ?? '').toLowerCase(), 'en');
    if (byName !== 0) return byName;
  }
  return compareIds(a.id, b.id) * (order === 'newest-first' ? -1 : 1);
}

function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function encodeBookmark(last: Position, order: ListOrder): string {
  const name = order === 'by-name' ? `:${Buffer.from(last.name ?? '').toString('base64url')}` : '';
  return Buffer.from(`after:${last.id}${name}`).toString('base64url');
}

function decodeBookmark(bookmark: string, order: ListOrder): Position {
  const decoded = Buffer.from(bookmark, 'base64url').toString('utf8');
  const match = /^after:(\d+)(?::([A-Za-z0-9_-]*))?$/.exec(decoded);
  if (!match?.[1] || (order === 'by-name') !== (match[2] !== undefined)) throw errors.invalidParameters('bookmark is not valid');
  return { id: match[1], ...(match[2] !== undefined ? { name: Buffer.from(match[2], 'base64url').toString('utf8') } : {}) };
}
