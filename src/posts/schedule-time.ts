import { DateTime, IANAZone } from 'luxon';
import type { FieldIssue as FieldError } from '../shared/index.js';

/** A little slack for clocks and slow requests: a time this far in the past still means "now". */
const PAST_TOLERANCE_MS = 5 * 60_000;
/** The latest time a post may be due: the end of year 9999, so every stored time renders as a four-digit-year ISO date. */
export const LATEST_SCHEDULED_AT = '9999-12-31T23:59:59.999Z';
const LATEST_MS = Date.parse(LATEST_SCHEDULED_AT);
/** UTC offsets in use on Earth run from -12:00 (Baker Island) to +14:00 (Kiribati). */
const MIN_OFFSET_MINUTES = -12 * 60;
const MAX_OFFSET_MINUTES = 14 * 60;
const DAY_MS = 86_400_000;
/** An offset at the end of a date-time (a date alone, 2031-05-01, has none: its "-01" is the day). */
const HAS_OFFSET = /T.*(Z|[+-]\d{2}(:?\d{2})?)$/i;
/** A calendar date first, as every ISO 8601 time this field takes begins ("tomorrow" does not). */
const STARTS_AS_DATE = /^[+-]?\d{4,6}-\d{2}-\d{2}/;

/** Which of two equal wall-clock times when clocks go back: the first (still in summer time) or the second. */
export type Fold = 'earlier' | 'later';

interface Resolved {
  at: number;
  errors: FieldError[];
  warnings: FieldError[];
}

/**
 * When a post is due. An offset in the string makes the time exact; without one the wall-clock
 * time is read in `timezone`: a time the clocks skip moves forward by the gap, and a time that
 * happens twice is the earlier one unless `fold` says "later" — both with a warning saying so.
 * Nothing here depends on the zone the server runs in. Omitted: now.
 */
export function resolveScheduledAt(input: { scheduled_at?: string; timezone?: string; fold?: Fold }, now = Date.now()): Resolved {
  const errors: FieldError[] = [];
  const warnings: FieldError[] = [];
  if (input.timezone !== undefined && !IANAZone.isValidZone(input.timezone)) {
    errors.push({ field: 'timezone', message: `is not an IANA time zone: "${input.timezone}"` });
  }
  if (input.scheduled_at === undefined) return { at: now, errors, warnings };

  const text = input.scheduled_at;
  if (!STARTS_AS_DATE.test(text)) {
    errors.push({
      field: 'scheduled_at',
      message: `is not an ISO 8601 time: "${text.slice(0, 40)}"; give it with an offset (2031-03-08T09:00:00+01:00) or as a local time with a timezone field`,
    });
    return { at: now, errors, warnings };
  }
  const hasOffset = HAS_OFFSET.test(text);
  if (!hasOffset && input.timezone === undefined) {
    errors.push({ field: 'scheduled_at', message: 'needs an offset (e.g. Z or +02:00) or a timezone field' });
    return { at: now, errors, warnings };
  }
  if (errors.length) return { at: now, errors, warnings };
  const read = hasOffset ? exactTime(text) : wallClockTime(text, input.timezone!, input.fold);
  if (typeof read === 'string') return { at: now, errors: [{ field: 'scheduled_at', message: read }], warnings };
  if (read.warning) warnings.push({ field: 'scheduled_at', message: read.warning });

  const at = read.at;
  if (!(at <= LATEST_MS)) {
    errors.push({ field: 'scheduled_at', message: `is after the latest time a post can be due (${LATEST_SCHEDULED_AT}, the end of year 9999)` });
    return { at: now, errors, warnings };
  }
  if (at < now - PAST_TOLERANCE_MS) errors.push({ field: 'scheduled_at', message: `is in the past (${new Date(at).toISOString()})` });
  return { at: Math.max(at, now - PAST_TOLERANCE_MS), errors, warnings };
}

const notIso = (d: DateTime) => `is not an ISO 8601 date-time: ${d.invalidExplanation ?? d.invalidReason}`;

/** The usual shape, 2031-05-01T09:00:00Z or with .123 and +02:00, read without luxon (every post made has one). */
const PLAIN_ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(?:Z|([+-])(\d{2}):(\d{2}))$/i;

/** The instant of a PLAIN_ISO text whose every part is in range, else undefined (then luxon reads it and says what is wrong). */
function plainIsoTime(text: string): number | undefined {
  const m = PLAIN_ISO.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  const offset = m[8] === undefined ? 0 : (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59 || Number(m[10] ?? 0) > 59) return undefined;
  if (offset < MIN_OFFSET_MINUTES || offset > MAX_OFFSET_MINUTES) return undefined;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 31 April over into May, and reads years below 100 as 19xx: both left to luxon.
  const d = new Date(wall);
  if (d.getUTCFullYear() !== year || d.getUTCDate() !== day) return undefined;
  return wall - offset * 60_000;
}

/** A date-time with its own offset: exact, as long as the offset is one that exists. */
function exactTime(text: string): { at: number; warning?: string } | string {
  const plain = plainIsoTime(text);
  if (plain !== undefined) return { at: plain };
  const parsed = DateTime.fromISO(text, { setZone: true });
  if (!parsed.isValid) return notIso(parsed);
  if (parsed.offset < MIN_OFFSET_MINUTES || parsed.offset > MAX_OFFSET_MINUTES) {
    return `has the UTC offset ${parsed.toFormat('ZZ')}; offsets run from -12:00 to +14:00`;
  }
  return { at: parsed.toMillis() };
}

/**
 * A wall-clock time in an IANA zone. The text is read as if in UTC (never in the process's zone),
 * then every offset the zone has around that day is tried: the instants whose own offset matches
 * are the real occurrences — none in a gap, two in a fold.
 */
function wallClockTime(text: string, timezone: string, fold: Fold | undefined): { at: number; warning?: string } | string {
  const wall = DateTime.fromISO(text, { zone: 'utc' });
  if (!wall.isValid) return notIso(wall);
  const zone = IANAZone.create(timezone);
  const wallMs = wall.toMillis();
  const offsets = new Set([zone.offset(wallMs - DAY_MS), zone.offset(wallMs), zone.offset(wallMs + DAY_MS)]);
  const occurrences = [...new Set([...offsets].map((o) => wallMs - o * 60_000).filter((ts) => zone.offset(ts) * 60_000 === wallMs - ts))].sort((a, b) => a - b);
  const local = (ts: number) => DateTime.fromMillis(ts, { zone }).toISO()!;

  if (occurrences.length === 0) {
    // Skipped by the clocks: read with the offset before the change, which lands as far past it as the time was into the gap.
    const at = wallMs - zone.offset(wallMs - DAY_MS) * 60_000;
    return { at, warning: `${text} does not exist in ${timezone} (a daylight-saving gap); it will go at ${local(at)}` };
  }
  if (occurrences.length === 1 || fold === 'earlier') return { at: occurrences[0]! };
  const [first, second] = [occurrences[0]!, occurrences[occurrences.length - 1]!];
  if (fold === 'later') return { at: second };
  return {
    at: first,
    warning: `${text} happens twice in ${timezone} (the clocks go back); the earlier one was taken (${local(first)}); send "fold": "later" for the second (${local(second)})`,
  };
}
