import { describe, expect, it } from 'vitest';
import { parseRateLimit, waitAfterRateLimit } from '../../src/connectors/pinterest/rate-limit.js';
import { parsePinterestTime } from '../../src/connectors/pinterest/time.js';

describe("reading Pinterest's times", () => {
  it('reads a zone-less time as UTC, as Pinterest documents, whatever the process zone', () => {
    expect(parsePinterestTime('2022-12-05T01:19:00')).toBe(Date.UTC(2022, 11, 5, 1, 19, 0));
    expect(parsePinterestTime('2022-12-05T01:19:00.250')).toBe(Date.UTC(2022, 11, 5, 1, 19, 0, 250));
  });

  it('honours a zone when one is given', () => {
    expect(parsePinterestTime('2022-12-05T01:19:00Z')).toBe(Date.UTC(2022, 11, 5, 1, 19, 0));
    expect(parsePinterestTime('2020-01-01T20:10:40-00:00')).toBe(Date.UTC(2020, 0, 1, 20, 10, 40));
    expect(parsePinterestTime('2022-12-05T10:19:00+09:00')).toBe(Date.UTC(2022, 11, 5, 1, 19, 0));
    expect(parsePinterestTime('2022-12-04T17:19:00-0800')).toBe(Date.UTC(2022, 11, 5, 1, 19, 0));
  });

  it('gives NaN for what is not a time, so callers never act on a guess', () => {
    for (const raw of [undefined, null, '', 'yesterday', '05/12/2022 01:19', '2022-12-05']) expect(parsePinterestTime(raw)).toBeNaN();
  });
});

describe("reading Pinterest's rate-limit headers", () => {
  const headers = (h: Record<string, string>) => new Headers(h);

  it('parses the structured list production sends and keeps every window', () => {
    const state = parseRateLimit(headers({ 'x-ratelimit-limit': '100, 100;w=1, 1000;w=60', 'x-ratelimit-remaining': '97', 'x-ratelimit-reset': '1' }));
    expect(state).toEqual({
      limit: 100,
      policies: [
        { limit: 100, windowSeconds: 1 },
        { limit: 1000, windowSeconds: 60 },
      ],
      remaining: 97,
      resetSeconds: 1,
    });
  });

  it('parses the plain single-number form too', () => {
    expect(parseRateLimit(headers({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '42' }))).toEqual({
      limit: 100,
      policies: [],
      remaining: 0,
      resetSeconds: 42,
    });
  });

  it('after a 429 whose reset describes a window with room, waits out the longest window instead of 1 s', () => {
    const perMinuteSpent = parseRateLimit(headers({ 'x-ratelimit-limit': '100, 100;w=1, 100;w=60', 'x-ratelimit-remaining': '99', 'x-ratelimit-reset': '1' }));
    expect(waitAfterRateLimit(perMinuteSpent)).toBe(60_000);
    // Without Remaining nobody can tell which window ran out: the longest.
    expect(waitAfterRateLimit(parseRateLimit(headers({ 'x-ratelimit-limit': '100, 100;w=1, 100;w=60', 'x-ratelimit-reset': '1' })))).toBe(60_000);
  });

  it('waits the reset when it describes the window that ran out', () => {
    const perSecondSpent = parseRateLimit(headers({ 'x-ratelimit-limit': '100, 100;w=1, 1000;w=60', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' }));
    expect(waitAfterRateLimit(perSecondSpent)).toBe(1000);
    const nearest = parseRateLimit(headers({ 'x-ratelimit-limit': '100, 100;w=1, 100;w=60', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '37' }));
    expect(waitAfterRateLimit(nearest)).toBe(37_000);
    expect(waitAfterRateLimit(parseRateLimit(headers({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '42' })))).toBe(42_000);
  });

  it('falls back to Retry-After, then to a minute', () => {
    expect(waitAfterRateLimit(parseRateLimit(headers({ 'retry-after': '5' })))).toBe(5000);
    expect(waitAfterRateLimit(parseRateLimit(headers({})))).toBe(60_000);
  });
});
