import { Type, type TSchema } from '@sinclair/typebox';

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/** Every list answers `{ data, next_cursor }`; pass next_cursor back as `cursor` for the next page. */
export const ListOf = <T extends TSchema>(item: T) => Type.Object({ data: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) });

/** The times an ISO 8601 date-time with a four-digit year can show: years 0000 to 9999. */
const EARLIEST_MS = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST_MS = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * Times leave the API as ISO 8601 in UTC with an explicit offset. Rendering runs after a write has
 * committed, so it must not throw: a stored time outside years 0000–9999 (written before inputs
 * were bounded) shows as the nearest time that can be shown, not as a 500 on every list.
 */
export const isoTime = (d: Date | number): string => {
  const ms = typeof d === 'number' ? d : d.getTime();
  return new Date(Number.isNaN(ms) ? 0 : Math.max(EARLIEST_MS, Math.min(LATEST_MS, ms))).toISOString();
};
