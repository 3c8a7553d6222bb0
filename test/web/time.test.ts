import { describe, expect, it } from 'vitest';
// The dashboard's calendar arithmetic runs in the browser; it is plain JavaScript, so it is tested here directly.
// @ts-expect-error: a browser module without type declarations
import { daysOf, dayKey, moveTo, partsIn, zonedToUtc } from '../../src/web/public/time.js';

const PARIS = 'Europe/Paris';

describe('calendar time in a named zone', () => {
  it('puts 09:00 Paris in its day and hour on both sides of the spring change', () => {
    const before = zonedToUtc({ year: 2031, month: 3, day: 29, hour: 9, minute: 0 }, PARIS);
    const after = zonedToUtc({ year: 2031, month: 3, day: 31, hour: 9, minute: 0 }, PARIS);
    expect(new Date(before).toISOString()).toBe('2031-03-29T08:00:00.000Z');
    expect(new Date(after).toISOString()).toBe('2031-03-31T07:00:00.000Z');
    expect(partsIn(after, PARIS)).toMatchObject({ day: 31, hour: 9, minute: 0 });
  });

  it('keeps the wall-clock time when a post is dragged across a change, in spring and autumn', () => {
    const sat = zonedToUtc({ year: 2031, month: 3, day: 29, hour: 9, minute: 30 }, PARIS);
    const moved = moveTo(sat, PARIS, { year: 2031, month: 4, day: 1 });
    expect(new Date(moved).toISOString()).toBe('2031-04-01T07:30:00.000Z');
    const oct = zonedToUtc({ year: 2031, month: 10, day: 25, hour: 9, minute: 0 }, PARIS);
    expect(new Date(moveTo(oct, PARIS, { year: 2031, month: 10, day: 27 })).toISOString()).toBe('2031-10-27T08:00:00.000Z');
  });

  it('moves a post to another day and hour keeping its minutes; an hour the clocks skip moves forward', () => {
    const sat = zonedToUtc({ year: 2031, month: 3, day: 29, hour: 9, minute: 30 }, PARIS);
    expect(new Date(moveTo(sat, PARIS, { year: 2031, month: 3, day: 30, hour: 14 })).toISOString()).toBe('2031-03-30T12:30:00.000Z');
    expect(new Date(moveTo(sat, PARIS, { year: 2031, month: 3, day: 29, hour: 23 })).toISOString()).toBe('2031-03-29T22:30:00.000Z');
    expect(partsIn(moveTo(sat, PARIS, { year: 2031, month: 3, day: 30, hour: 2 }), PARIS)).toMatchObject({ day: 30, hour: 3, minute: 30 });
  });

  it('shows the same instant in the viewer’s zone, not the post’s', () => {
    const at = zonedToUtc({ year: 2031, month: 3, day: 31, hour: 9, minute: 0 }, PARIS);
    expect(partsIn(at, 'America/New_York')).toMatchObject({ day: 31, hour: 3 });
    expect(partsIn(at, 'Asia/Tokyo')).toMatchObject({ day: 31, hour: 16 });
  });

  it('moves a time in a DST gap forward, as the API does', () => {
    const gap = zonedToUtc({ year: 2031, month: 3, day: 30, hour: 2, minute: 30 }, PARIS);
    expect(partsIn(gap, PARIS)).toMatchObject({ hour: 3, minute: 30 });
  });

  it('lays out a week from Monday and a month in whole weeks', () => {
    const week = daysOf('week', { year: 2031, month: 4, day: 2 });
    expect(week.map(dayKey)).toEqual(['2031-03-31', '2031-04-01', '2031-04-02', '2031-04-03', '2031-04-04', '2031-04-05', '2031-04-06']);
    const month = daysOf('month', { year: 2031, month: 3, day: 15 });
    expect(dayKey(month[0])).toBe('2031-02-24');
    expect(month.length % 7).toBe(0);
    expect(dayKey(month.at(-1))).toBe('2031-04-06');
  });
});
