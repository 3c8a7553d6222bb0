import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spreadPosts } from '../../src/posts/spread.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount, startImageServer } from '../helpers/posts.js';
import { DIALECTS } from '../helpers/stores.js';

const bare = (n: number) => Array.from({ length: n }, (_, i) => ({ content: `Post ${i}`, platforms: ['pinterest'] }));

describe('spreading posts over time', () => {
  it('keeps to per_day and the daily window, in the zone, across a DST change (Paris, 30 March 2031)', () => {
    const { requests, errors } = spreadPosts(bare(5), {
      start: '2031-03-28T09:00',
      every: 'PT4H',
      per_day: 2,
      time_window: '09:00-18:00',
      timezone: 'Europe/Paris',
    });
    expect(errors).toEqual([]);
    expect(requests.map((r) => new Date(r.scheduled_at!).toISOString())).toEqual([
      '2031-03-28T08:00:00.000Z',
      '2031-03-28T12:00:00.000Z',
      '2031-03-29T08:00:00.000Z',
      '2031-03-29T12:00:00.000Z',
      '2031-03-30T07:00:00.000Z',
    ]);
  });

  it('moves past the window’s end to the next morning; posts with their own time keep it', () => {
    const input = [...bare(3)];
    input[1] = { ...input[1]!, scheduled_at: '2031-06-01T00:00:00Z' } as (typeof input)[number];
    const { requests } = spreadPosts(input, { start: '2031-05-01T17:00:00Z', every: 'PT2H', time_window: '09:00-18:00' });
    expect(requests.map((r) => r.scheduled_at)).toEqual(['2031-05-01T17:00:00Z', '2031-06-01T00:00:00Z', '2031-05-02T09:00:00Z']);
  });

  it('names each bad field', () => {
    const { errors } = spreadPosts(bare(1), { start: 'soon', every: 'often', time_window: '18:00-09:00', timezone: 'Nowhere/City' });
    expect(errors.map((e) => e.field).sort()).toEqual(['spread.every', 'spread.start', 'spread.time_window', 'spread.timezone']);
  });
});

describe.each(DIALECTS)('dripping a bulk import on %s', (dialect) => {
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  beforeAll(async () => {
    p = await startTestPinion({ dialect, sandbox: {} });
    images = await startImageServer();
    await pinterestAccount(p);
  });
  afterAll(async () => {
    await p?.close();
    await images?.close();
  });

  it('posts:bulk with spread gives the posts their times in order', async () => {
    const posts = [0, 1, 2].map((i) => ({
      content: `Pin ${i}`,
      platforms: ['pinterest'],
      media_url: `${images.url}/good.jpg`,
      platform_options: { pinterest: { board: 'Products' } },
    }));
    const res = await p.api('POST', '/api/v1/posts:bulk', {
      body: { posts, spread: { start: '2031-09-01', per_day: 2, time_window: '10:00-16:00', timezone: 'America/New_York' } },
    });
    expect(res.status).toBe(201);
    const { data } = await res.json();
    // 6 hours / 2 a day: every 3 hours from 10:00 New York (EDT, UTC-4).
    expect(data.map((d: { scheduled_at: string }) => d.scheduled_at)).toEqual([
      '2031-09-01T14:00:00.000Z',
      '2031-09-01T17:00:00.000Z',
      '2031-09-02T14:00:00.000Z',
    ]);
  });

  it('the CSV import takes the spread as query parameters, and a bad one is a 422 naming the parameter', async () => {
    const csv = ['content,platforms,media_url,board', `Apron,pinterest,${images.url}/good.jpg,Products`, `Mug,pinterest,${images.url}/good.jpg,Products`].join(
      '\n',
    );
    const ok = await p.api('POST', '/api/v1/posts:import?spread_start=2031-10-01T08:00:00Z&spread_every=P1D', {
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(ok.status).toBe(201);
    expect((await ok.json()).data.map((d: { scheduled_at: string }) => d.scheduled_at)).toEqual(['2031-10-01T08:00:00.000Z', '2031-10-02T08:00:00.000Z']);
    const bad = await p.api('POST', '/api/v1/posts:import?spread_start=2031-10-01T08:00:00Z&spread_every=daily', {
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors).toEqual([{ field: 'spread_every', message: expect.stringMatching(/ISO 8601 duration/) }]);
  });

  it('queued rows of one bulk take one slot each', async () => {
    const account = (await (await p.api('GET', '/api/v1/accounts')).json()).data[0];
    await p.api('PUT', `/api/v1/accounts/${account.id}/slots`, {
      body: { timezone: 'Asia/Tokyo', slots: [{ days: ['mon', 'wed', 'fri'], times: ['12:00'] }] },
    });
    const posts = [0, 1, 2].map((i) => ({
      content: `Q${i}`,
      platforms: ['pinterest'],
      media_url: `${images.url}/good.jpg`,
      queue: true,
      platform_options: { pinterest: { board: 'Products' } },
    }));
    const res = await p.api('POST', '/api/v1/posts:bulk', { body: { posts } });
    expect(res.status).toBe(201);
    const times = (await res.json()).data.map((d: { scheduled_at: string }) => d.scheduled_at);
    expect(new Set(times).size).toBe(3);
    const slots = await (await p.api('GET', `/api/v1/accounts/${account.id}/slots?count=3`)).json();
    expect(slots.upcoming.map((s: { at: string }) => s.at)).toEqual(times);
  });
});
