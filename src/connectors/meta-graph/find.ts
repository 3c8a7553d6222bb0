import type { Published } from '../types.js';

/** Clocks of Pinion and Meta may differ; items this much older than the attempt still count. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** Meta's times: ISO 8601 with a `+0000` offset; one without an offset is UTC, Meta's documented zone. */
export function graphTime(value: string | undefined): number {
  if (!value) return Number.NaN;
  const withColon = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  return Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(withColon) ? withColon : `${withColon}Z`);
}

export interface Listed {
  id: string;
  timestamp?: string;
  created_time?: string;
}

/**
 * The item an unconfirmed attempt made: created since the attempt (less clock skew), not owned by
 * another delivery, and carrying what was sent (`matches`). The oldest such wins whatever order
 * Meta listed them in; any others are listed as duplicates.
 */
export function pickMatch<T extends Listed>(
  items: T[],
  opts: { since: number; exclude: ReadonlySet<string>; matches(item: T): boolean; url(item: T): string },
): (Published & { duplicates?: Published[] }) | null {
  const candidates = items
    .filter((i) => !opts.exclude.has(i.id) && opts.matches(i))
    .map((i) => ({ i, at: graphTime(i.timestamp ?? i.created_time) }))
    .filter(({ at }) => Number.isNaN(at) || at >= opts.since - CLOCK_SKEW_MS)
    .sort((a, b) => (a.at || 0) - (b.at || 0) || (a.i.id < b.i.id ? -1 : 1));
  const [first, ...rest] = candidates.map(({ i }) => ({ externalId: i.id, url: opts.url(i) }));
  if (!first) return null;
  return rest.length ? { ...first, duplicates: rest } : first;
}

/** Compares texts as Meta may give them back: Unicode normalised, whitespace runs as one space. */
export const sameText = (a: string | undefined, b: string | undefined) => norm(a) === norm(b);
const norm = (s: string | undefined) => (s ?? '').normalize('NFC').replace(/\s+/gu, ' ').trim();
