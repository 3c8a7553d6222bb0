import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { resolveScheduledAt } from '../../src/posts/index.js';

/** The usual ISO shape is read without luxon; it must say exactly what luxon would. */
describe('scheduled_at in the usual ISO shape', () => {
  const now = Date.UTC(2030, 0, 1);
  const byLuxon = (text: string) => {
    const d = DateTime.fromISO(text, { setZone: true });
    return d.isValid && d.offset >= -720 && d.offset <= 840 ? Math.max(d.toMillis(), now - 5 * 60_000) : undefined;
  };
  const cases = [
    '2031-05-01T09:00:00Z',
    '2031-05-01T09:00:00.5Z',
    '2031-05-01T09:00:00.123+02:00',
    '2031-05-01T23:59:59-12:00',
    '2031-05-01T00:00:00+14:00',
    '2031-05-01T00:00:00+14:30',
    '2031-05-01T00:00:00-12:30',
    '2032-02-29T10:00:00Z',
    '2031-02-29T10:00:00Z',
    '2031-04-31T10:00:00Z',
    '2031-13-01T10:00:00Z',
    '2031-00-10T10:00:00Z',
    '2031-05-00T10:00:00Z',
    '2031-05-01T24:00:00Z',
    '2031-05-01T23:60:00Z',
    '2031-05-01T23:00:60Z',
    '2031-05-01T09:00:00+02:60',
    '0099-05-01T09:00:00Z',
    '9999-12-31T23:59:59.999Z',
    '2031-05-01t09:00:00z',
  ];

  it.each(cases)('%s: the same instant, or the same refusal, as luxon', (text) => {
    const r = resolveScheduledAt({ scheduled_at: text }, now);
    const expected = byLuxon(text);
    if (expected === undefined) expect(r.errors.length).toBeGreaterThan(0);
    else {
      expect(r.at).toBe(expected);
      // Only a time long past is refused, and for that reason alone.
      expect(r.errors.map((e) => e.message)).toEqual(DateTime.fromISO(text).toMillis() < now - 5 * 60_000 ? [expect.stringMatching(/^is in the past/)] : []);
    }
  });

  it('agrees with luxon on 2,000 random times and offsets', () => {
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    for (let i = 0; i < 2000; i++) {
      const offset = rand(3) === 0 ? 'Z' : `${rand(2) ? '+' : '-'}${pad(rand(15))}:${pad([0, 30, 45][rand(3)]!)}`;
      const text = `${2030 + rand(10)}-${pad(1 + rand(12))}-${pad(1 + rand(31))}T${pad(rand(24))}:${pad(rand(60))}:${pad(rand(60))}${rand(2) ? `.${pad(rand(1000), 3)}` : ''}${offset}`;
      const r = resolveScheduledAt({ scheduled_at: text }, now);
      const expected = byLuxon(text);
      if (expected === undefined) expect(r.errors.length, text).toBeGreaterThan(0);
      else expect(r.at, text).toBe(expected);
    }
  });
});
