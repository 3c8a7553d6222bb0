import { Settings } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveScheduledAt } from '../../src/posts/schedule-time.js';

const NOW = Date.parse('2030-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const resolve = (input: Parameters<typeof resolveScheduledAt>[0]) => resolveScheduledAt(input, NOW);

describe('when a post is due', () => {
  const serverZone = Settings.defaultZone;
  afterEach(() => {
    Settings.defaultZone = serverZone;
  });

  describe('a wall-clock time that happens twice (clocks go back)', () => {
    const paris = { scheduled_at: '2031-10-26T02:30', timezone: 'Europe/Paris' };

    it('takes the earlier one by default and says so, naming the other', () => {
      const r = resolve(paris);
      expect(r.errors).toEqual([]);
      expect(iso(r.at)).toBe('2031-10-26T00:30:00.000Z'); // 02:30 CEST (+02:00)
      expect(r.warnings).toEqual([
        {
          field: 'scheduled_at',
          message: expect.stringMatching(
            /happens twice in Europe\/Paris.*earlier.*2031-10-26T02:30:00\.000\+02:00.*"fold": "later".*2031-10-26T02:30:00\.000\+01:00/,
          ),
        },
      ]);
    });

    it('takes the one the request chooses with fold, without a warning', () => {
      const later = resolve({ ...paris, fold: 'later' });
      expect(iso(later.at)).toBe('2031-10-26T01:30:00.000Z'); // 02:30 CET (+01:00)
      expect(later.warnings).toEqual([]);
      const earlier = resolve({ ...paris, fold: 'earlier' });
      expect(iso(earlier.at)).toBe('2031-10-26T00:30:00.000Z');
      expect(earlier.warnings).toEqual([]);
    });

    it('answers the same whatever zone the server runs in', () => {
      for (const zone of ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata']) {
        Settings.defaultZone = zone;
        expect(iso(resolve(paris).at), zone).toBe('2031-10-26T00:30:00.000Z');
      }
    });
  });

  describe('a wall-clock time that does not exist (clocks go forward)', () => {
    const gap = { scheduled_at: '2031-03-30T02:30', timezone: 'Europe/Paris' };

    it('moves forward by the gap and warns', () => {
      const r = resolve(gap);
      expect(iso(r.at)).toBe('2031-03-30T01:30:00.000Z'); // 03:30 CEST
      expect(r.warnings).toEqual([
        { field: 'scheduled_at', message: expect.stringMatching(/does not exist in Europe\/Paris.*2031-03-30T03:30:00\.000\+02:00/) },
      ]);
    });

    it('warns even when the server itself is in that zone', () => {
      for (const zone of ['Europe/Paris', 'UTC', 'Europe/Berlin']) {
        Settings.defaultZone = zone;
        const r = resolve(gap);
        expect(r.warnings, zone).toHaveLength(1);
        expect(iso(r.at), zone).toBe('2031-03-30T01:30:00.000Z');
      }
    });

    it('does not warn about an ordinary time', () => {
      Settings.defaultZone = 'Europe/Paris';
      const r = resolve({ scheduled_at: '2031-07-01T09:30', timezone: 'Europe/Paris' });
      expect(r.warnings).toEqual([]);
      expect(iso(r.at)).toBe('2031-07-01T07:30:00.000Z');
    });
  });

  describe('offsets', () => {
    it('refuses an offset no place on Earth uses', () => {
      for (const scheduled_at of ['2031-05-01T09:00:00+99:00', '2031-05-01T09:00:00+15:00', '2031-05-01T09:00:00-13:00', '2031-05-01T09:00:00+2400']) {
        const r = resolve({ scheduled_at });
        expect(r.errors, scheduled_at).toEqual([{ field: 'scheduled_at', message: expect.stringMatching(/offset.*-12:00 to \+14:00/) }]);
      }
    });

    it('takes the offsets that exist, at their extremes', () => {
      expect(iso(resolve({ scheduled_at: '2031-05-01T09:00:00+14:00' }).at)).toBe('2031-04-30T19:00:00.000Z');
      expect(iso(resolve({ scheduled_at: '2031-05-01T09:00:00-12:00' }).at)).toBe('2031-05-01T21:00:00.000Z');
      expect(iso(resolve({ scheduled_at: '2031-05-01T09:00:00+0530' }).at)).toBe('2031-05-01T03:30:00.000Z');
    });

    it('says that words are not a time, rather than asking them for an offset', () => {
      for (const text of ['next tuesday', 'tomorrow 9am', '9:00', ''])
        expect(resolve({ scheduled_at: text }).errors).toEqual([{ field: 'scheduled_at', message: expect.stringMatching(/^is not an ISO 8601 time/) }]);
      expect(resolve({ scheduled_at: 'tomorrow', timezone: 'Europe/Paris' }).errors[0]?.message).toMatch(/^is not an ISO 8601 time: "tomorrow"/);
    });

    it('does not read a date alone as a date with an offset', () => {
      Settings.defaultZone = 'Asia/Tokyo';
      expect(resolve({ scheduled_at: '2031-05-01' }).errors).toEqual([{ field: 'scheduled_at', message: expect.stringMatching(/needs an offset/) }]);
      expect(iso(resolve({ scheduled_at: '2031-05-01', timezone: 'Europe/Paris' }).at)).toBe('2031-04-30T22:00:00.000Z');
    });
  });
});
