// Calendar arithmetic in a named IANA zone with only Intl: a day is a wall-clock date in the
// viewer's zone, so a post at 09:00 Europe/Paris lands in its day and hour on both sides of a DST change.

const formatters = new Map();
function formatter(zone) {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

export function isZone(zone) {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock date and time of an instant in a zone. */
export function partsIn(ms, zone) {
  const p = Object.fromEntries(
    formatter(zone)
      .formatToParts(new Date(ms))
      .map((x) => [x.type, x.value]),
  );
  return { year: +p.year, month: +p.month, day: +p.day, hour: +p.hour % 24, minute: +p.minute, second: +p.second };
}

/** Milliseconds the zone is ahead of UTC at an instant. */
export function offsetAt(ms, zone) {
  const p = partsIn(ms, zone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant a wall-clock time in a zone names (a time in a DST gap moves forward, as the API does). */
export function zonedToUtc({ year, month, day, hour = 0, minute = 0 }, zone) {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const first = wall - offsetAt(wall, zone);
  const second = wall - offsetAt(first, zone);
  if (first === second) return first;
  // Across a change the two guesses differ: keep the one that reads back as the wall time, else the later.
  const reads = (t) => {
    const p = partsIn(t, zone);
    return p.hour === hour && p.minute === minute && p.day === day;
  };
  if (reads(second)) return second;
  if (reads(first)) return first;
  return Math.max(first, second);
}

/** A calendar date as 'YYYY-MM-DD'. */
export const dayKey = ({ year, month, day }) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
export const parseDay = (key) => {
  const [year, month, day] = key.split('-').map(Number);
  return { year, month, day };
};

/** Calendar date arithmetic (no zone: a date is a date). */
export function addDays(date, n) {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + n));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}
/** 0 = Monday … 6 = Sunday. */
export const weekday = (date) => (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7;
export const startOfWeek = (date) => addDays(date, -weekday(date));
export const startOfMonth = (date) => ({ year: date.year, month: date.month, day: 1 });
export function addMonths(date, n) {
  const d = new Date(Date.UTC(date.year, date.month - 1 + n, 1));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: 1 };
}

export const hhmm = (p) => `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;

/** The days a week or month view shows (a month view: whole weeks, Monday first). */
export function daysOf(view, anchor) {
  if (view === 'week') {
    const start = startOfWeek(anchor);
    return Array.from({ length: 7 }, (_, i) => addDays(start, i));
  }
  const first = startOfMonth(anchor);
  const start = startOfWeek(first);
  const next = addMonths(first, 1);
  const days = [];
  for (let d = start; days.length < 42; d = addDays(d, 1)) {
    if (days.length % 7 === 0 && days.length && dayKey(d) >= dayKey(next)) break;
    days.push(d);
  }
  return days;
}

/** The wall-clock time a post keeps when dragged to another day (and maybe hour) in the viewer's zone. */
export function moveTo(ms, zone, target) {
  const p = partsIn(ms, zone);
  return zonedToUtc({ ...target, hour: target.hour ?? p.hour, minute: p.minute }, zone);
}
