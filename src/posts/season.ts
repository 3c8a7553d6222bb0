import { DateTime } from 'luxon';
import type { FieldIssue } from '../shared/index.js';

/**
 * Seasonal lead time: content for a holiday is searched for weeks ahead, so it should be out
 * 30–45 days before the day. A post names an event (computed for the year) or its own date;
 * Pinion schedules it `lead_days` before and warns when a given time is later than that.
 */
export const DEFAULT_LEAD_DAYS = 45;

export interface SeasonRequest {
  event?: string;
  event_date?: string;
  lead_days?: number;
  /** ISO 3166 country for events whose date differs by country (Mother's Day, Thanksgiving, back to school). */
  country?: string;
  year?: number;
}

/** Easter Sunday (Gregorian, anonymous computus). */
export function easter(year: number): DateTime {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return DateTime.utc(year, month, day);
}

/** The n-th `weekday` (1 = Monday … 7 = Sunday) of a month; n = -1 is the last. */
function nthWeekday(year: number, month: number, weekday: number, n: number): DateTime {
  if (n < 0) {
    const last = DateTime.utc(year, month, 1).endOf('month').startOf('day');
    return last.minus({ days: (last.weekday - weekday + 7) % 7 });
  }
  const first = DateTime.utc(year, month, 1);
  return first.plus({ days: ((weekday - first.weekday + 7) % 7) + 7 * (n - 1) });
}

const fixed = (month: number, day: number) => (year: number) => DateTime.utc(year, month, day);

function mothersDay(year: number, country: string): DateTime {
  switch (country) {
    case 'GB':
    case 'IE':
      return easter(year).minus({ days: 21 }); // Mothering Sunday: the fourth Sunday of Lent
    case 'FR': {
      const lastMay = nthWeekday(year, 5, 7, -1);
      return lastMay.equals(easter(year).plus({ days: 49 })) ? lastMay.plus({ days: 7 }) : lastMay; // moved when it falls on Pentecost
    }
    case 'MX':
      return DateTime.utc(year, 5, 10);
    case 'ES':
    case 'PT':
      return nthWeekday(year, 5, 7, 1);
    default:
      return nthWeekday(year, 5, 7, 2); // US, CA, AU, NZ, DE, IT, JP, BR, …
  }
}

/** Built-in events by id; each computed for a year (and country where it differs). */
export const EVENTS: Record<string, { name: string; date(year: number, country: string): DateTime }> = {
  new_year: { name: "New Year's Day", date: fixed(1, 1) },
  valentines_day: { name: "Valentine's Day", date: fixed(2, 14) },
  st_patricks_day: { name: "St Patrick's Day", date: fixed(3, 17) },
  easter: { name: 'Easter', date: (y) => easter(y) },
  mothers_day: { name: "Mother's Day", date: mothersDay },
  fathers_day: { name: "Father's Day", date: (y, c) => (c === 'AU' || c === 'NZ' ? nthWeekday(y, 9, 7, 1) : nthWeekday(y, 6, 7, 3)) },
  back_to_school: {
    name: 'Back to school',
    date: (y, c) => (['GB', 'FR', 'DE', 'IT', 'ES', 'IE'].includes(c) ? DateTime.utc(y, 9, 1) : DateTime.utc(y, 8, 1)),
  },
  halloween: { name: 'Halloween', date: fixed(10, 31) },
  thanksgiving: { name: 'Thanksgiving', date: (y, c) => (c === 'CA' ? nthWeekday(y, 10, 1, 2) : nthWeekday(y, 11, 4, 4)) },
  black_friday: { name: 'Black Friday', date: (y) => nthWeekday(y, 11, 4, 4).plus({ days: 1 }) },
  cyber_monday: { name: 'Cyber Monday', date: (y) => nthWeekday(y, 11, 4, 4).plus({ days: 4 }) },
  christmas: { name: 'Christmas', date: fixed(12, 25) },
};

/** "Valentine's Day", "valentines-day" and "valentines_day" all name the same event. */
const eventId = (name: string) =>
  name
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

export interface SeasonPlan {
  eventName: string;
  /** The event's day, YYYY-MM-DD. */
  eventDate: string;
  leadDays: number;
  /** The latest time the post should go out: `lead_days` before the event's day, at 09:00 where the post is. */
  publishBy: number;
}

/** Works out a seasonal post's event day and publish-by time; `now` picks this year's event or next year's. */
export function planSeason(season: SeasonRequest, zone: string, now: number): { plan?: SeasonPlan; errors: FieldIssue[] } {
  const errors: FieldIssue[] = [];
  const leadDays = season.lead_days ?? DEFAULT_LEAD_DAYS;
  let day: DateTime | undefined;
  let eventName = 'the event';
  if (season.event !== undefined && season.event_date !== undefined) errors.push({ field: 'season', message: 'give either event or event_date, not both' });
  else if (season.event !== undefined) {
    const event = EVENTS[eventId(season.event)];
    if (!event) errors.push({ field: 'season.event', message: `is not a built-in event (known: ${Object.keys(EVENTS).join(', ')}); or give event_date` });
    else {
      eventName = event.name;
      const country = (season.country ?? 'US').toUpperCase();
      const thisYear = season.year ?? DateTime.fromMillis(now, { zone }).year;
      day = event.date(thisYear, country);
      // Without a year, an event already past this year means next year's.
      if (season.year === undefined && DateTime.fromObject({ year: day.year, month: day.month, day: day.day }, { zone }).endOf('day').toMillis() < now)
        day = event.date(thisYear + 1, country);
    }
  } else if (season.event_date !== undefined) {
    const parsed = DateTime.fromISO(season.event_date, { zone: 'utc' });
    if (!parsed.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(season.event_date)) errors.push({ field: 'season.event_date', message: 'must be a date, YYYY-MM-DD' });
    else day = parsed;
  } else errors.push({ field: 'season', message: 'needs event (e.g. "christmas") or event_date (YYYY-MM-DD)' });
  if (!day) return { errors };
  const local = DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour: 9 }, { zone });
  return { plan: { eventName, eventDate: day.toISODate()!, leadDays, publishBy: local.minus({ days: leadDays }).toMillis() }, errors };
}
