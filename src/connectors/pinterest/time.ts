/**
 * Pinterest documents its times as UTC, and production sends them without a zone
 * (`"created_at": "2022-12-05T01:19:00"`, pinterest/pinterest-python-sdk http_logs.txt, Feb 2023).
 * `Date.parse` reads such a string in the process's own zone, which moves every pin by the
 * server's offset; this reads a missing zone as UTC and honours a zone when one is given.
 * Returns milliseconds since the epoch, or NaN for anything that is not an ISO 8601 date-time.
 */
export function parsePinterestTime(raw: string | null | undefined): number {
  if (typeof raw !== 'string') return Number.NaN;
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(raw.trim());
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s = '0', frac = '0', zone = 'Z'] = m;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone.toUpperCase() === 'Z') return utc;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return utc - sign * offsetMinutes * 60_000;
}
