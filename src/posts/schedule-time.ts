import { DateTime, IANAZone } from 'luxon';
import type { FieldError } from '../api/index.js';

/** A little slack for clocks and slow requests: a time this far in the past still means "now". */
const PAST_TOLERANCE_MS = 5 * 60_000;
/** The latest time a post may be due: the end of year 9999, so every stored time renders as a four-digit-year ISO date. */
export const LATEST_SCHEDULED_AT = '9999-12-31T23:59:59.999Z';
const LATEST_MS = Date.parse(LATEST_SCHEDULED_AT);

/**
 * When a post is due. An offset in the string makes the time exact; without one the wall-clock
 * time is read in `timezone` (DST gaps move forward, as a person would expect). Omitted: now.
 */
export function resolveScheduledAt(input: { scheduled_at?: string; timezone?: string }, now = Date.now()): { at: number; errors: FieldError[]; warnings: FieldError[] } {
  const errors: FieldError[] = [];
  const warnings: FieldError[] = [];
  if (input.timezone !== undefined && !IANAZone.isValidZone(input.timezone)) {
    errors.push({ field: 'timezone', message: `is not an IANA time zone: "${input.timezone}"` });
  }
  if (input.scheduled_at === undefined) return { at: now, errors, warnings };

  const text = input.scheduled_at;
  const hasOffset = /(Z|[+-]\d{2}(:?\d{2})?)$/i.test(text);
  if (!hasOffset && input.timezone === undefined) {
    errors.push({ field: 'scheduled_at', message: 'needs an offset (e.g. Z or +02:00) or a timezone field' });
    return { at: now, errors, warnings };
  }
  if (errors.length) return { at: now, errors, warnings };
  const parsed = hasOffset ? DateTime.fromISO(text, { setZone: true }) : DateTime.fromISO(text, { zone: input.timezone });
  if (!parsed.isValid) {
    errors.push({ field: 'scheduled_at', message: `is not an ISO 8601 date-time: ${parsed.invalidExplanation ?? parsed.invalidReason}` });
    return { at: now, errors, warnings };
  }
  if (!hasOffset && parsed.toFormat("yyyy-MM-dd'T'HH:mm") !== DateTime.fromISO(text).toFormat("yyyy-MM-dd'T'HH:mm")) {
    warnings.push({ field: 'scheduled_at', message: `${text} does not exist in ${input.timezone} (a daylight-saving gap); it will go at ${parsed.toISO()}` });
  }
  const at = parsed.toMillis();
  if (!(at <= LATEST_MS)) {
    errors.push({ field: 'scheduled_at', message: `is after the latest time a post can be due (${LATEST_SCHEDULED_AT}, the end of year 9999)` });
    return { at: now, errors, warnings };
  }
  if (at < now - PAST_TOLERANCE_MS) errors.push({ field: 'scheduled_at', message: `is in the past (${new Date(at).toISOString()})` });
  return { at: Math.max(at, now - PAST_TOLERANCE_MS), errors, warnings };
}
