import { DateTime, Duration, IANAZone } from 'luxon';
import { Type, type Static } from '@sinclair/typebox';
import type { FieldIssue } from '../shared/index.js';
import type { PostRequest } from './request.js';

/**
 * Dripping a bulk import over time instead of publishing it all at once: posts without a time of
 * their own get one, in order, from `start`, `every` apart, at most `per_day` a day, inside the
 * daily `time_window`, all read in `timezone` (so 09:00 stays 09:00 across a DST change).
 */
export const SpreadSchema = Type.Object(
  {
    start: Type.String({ minLength: 1, description: 'First post: ISO 8601 date-time (without an offset it is read in timezone) or a date' }),
    every: Type.Optional(Type.String({ minLength: 2, description: 'ISO 8601 duration between posts (PT2H); default: the window divided by per_day' })),
    per_day: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Most posts on one day (in timezone)' })),
    time_window: Type.Optional(Type.String({ pattern: '^\\d{2}:\\d{2}-\\d{2}:\\d{2}$', description: 'Daily window, HH:MM-HH:MM (default 00:00-24:00)' })),
    timezone: Type.Optional(Type.String({ minLength: 1, description: 'IANA time zone (default UTC)' })),
  },
  { additionalProperties: false, description: 'Spread the posts that have no scheduled_at over time' },
);
export type Spread = Static<typeof SpreadSchema>;

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

/** Gives each request without scheduled_at its time; returns the requests (copies) and any problem with the spread. */
export function spreadPosts(requests: PostRequest[], spread: Spread, field = 'spread'): { requests: PostRequest[]; errors: FieldIssue[] } {
  const errors: FieldIssue[] = [];
  const zone = spread.timezone ?? 'UTC';
  if (!IANAZone.isValidZone(zone)) errors.push({ field: `${field}.timezone`, message: `is not an IANA time zone: "${zone}"` });
  const [fromText, toText] = (spread.time_window ?? '00:00-24:00').split('-') as [string, string];
  const open = minutes(fromText);
  const close = minutes(toText);
  if (open >= close || close > 24 * 60)
    errors.push({ field: `${field}.time_window`, message: 'must be HH:MM-HH:MM with the start before the end, e.g. 09:00-18:00' });
  let step: number | undefined;
  if (spread.every !== undefined) {
    const d = Duration.fromISO(spread.every);
    if (!d.isValid || d.toMillis() <= 0) errors.push({ field: `${field}.every`, message: 'must be a positive ISO 8601 duration, e.g. PT2H' });
    else step = d.toMillis();
  } else if (spread.per_day !== undefined) step = Math.floor(((close - open) * 60_000) / spread.per_day);
  else errors.push({ field: `${field}.every`, message: 'give every (time between posts) or per_day (posts a day), or both' });
  const hasOffset = /(Z|[+-]\d{2}(:?\d{2})?)$/i.test(spread.start);
  const start = hasOffset ? DateTime.fromISO(spread.start, { setZone: true }).setZone(zone) : DateTime.fromISO(spread.start, { zone });
  if (!start.isValid) errors.push({ field: `${field}.start`, message: 'is not an ISO 8601 date-time or date' });
  if (errors.length) return { requests, errors };

  // Wall-clock 'set', not adding minutes to midnight: on a DST day midnight + 9 h is not 09:00.
  const windowStart = (day: DateTime<boolean>) => day.set({ hour: Math.floor(open / 60), minute: open % 60, second: 0, millisecond: 0 });
  let cursor: DateTime<boolean> = start;
  let day = cursor.toISODate();
  let today = 0;
  const out = requests.map((request) => {
    if (request.scheduled_at !== undefined || request.queue) return request;
    for (;;) {
      const minute = cursor.hour * 60 + cursor.minute;
      if (cursor.toISODate() !== day) {
        day = cursor.toISODate();
        today = 0;
      }
      if (minute < open) cursor = windowStart(cursor);
      else if (minute >= close || (spread.per_day !== undefined && today >= spread.per_day)) cursor = windowStart(cursor.plus({ days: 1 }));
      else break;
    }
    today++;
    const at = cursor;
    cursor = cursor.plus({ milliseconds: step! });
    return { ...request, scheduled_at: at.toISO({ suppressMilliseconds: true })! };
  });
  return { requests: out, errors };
}
