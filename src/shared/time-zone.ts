import { IANAZone } from 'luxon';
import type { FieldIssue } from './field-issue.js';

/** Where a person finds the names a time zone field takes. */
export const IANA_ZONES_HINT =
  'use an IANA time zone name such as Europe/Paris, America/New_York or UTC (the list: https://en.wikipedia.org/wiki/List_of_tz_database_time_zones)';

/** What is wrong with a time zone field, if anything. */
export function timeZoneIssue(field: string, zone: string): FieldIssue | undefined {
  return IANAZone.isValidZone(zone) ? undefined : { field, message: `"${zone}" is not an IANA time zone: ${IANA_ZONES_HINT}` };
}

/** The zone's name as the time zone database spells it (`europe/paris` → `Europe/Paris`), for a valid zone. */
export const canonicalTimeZone = (zone: string): string => new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
