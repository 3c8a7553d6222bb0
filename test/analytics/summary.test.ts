import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { FAST_SCHEDULER, fastPinterest, pinterestAccount, settled, startImageServer } from '../helpers/posts.js';

describe.each(DIALECTS)('analytics summary on %s', (dialect) => {
  let p: TestPinion | undefined;
  let images: Awaited<ReturnType<typeof startImageServer>> | undefined;
  afterEach(async () => {
    await p?.close();
    await images?.close();
    p = undefined;
  });

  it('counts posts and deliveries by status and platform over a period, with the metrics read back', async () => {
    images = await startImageServer();
    p = await startTestPinion({ dialect, worker: true, sandbox: {}, config: { scheduler: FAST_SCHEDULER, platforms: fastPinterest() } });
    await pinterestAccount(p);
    const post = (body: Record<string, unknown>) =>
      p!
        .api('POST', '/api/v1/posts', { body: { content: 'Apron', platforms: ['pinterest'], platform_options: { pinterest: { board: 'Products' } }, ...body } })
        .then((r) => r.json());
    await post({ media_url: `${images.url}/good.jpg`, scheduled_at: '2031-05-01T09:00:00Z' });
    const good = await post({ media_url: `${images.url}/good.jpg` });
    const tiny = await post({ media_url: `${images.url}/small.png` });
    await settled(p, [good.id, tiny.id]);
    expect((await p.api('POST', `/api/v1/posts/${good.id}/analytics`)).status).toBe(200);
    const latest = (await (await p.api('GET', `/api/v1/posts/${good.id}`)).json()).deliveries[0].metrics.latest;

    const all = await (await p.api('GET', '/api/v1/analytics/summary')).json();
    expect(all).toEqual({
      from: null,
      to: null,
      posts: { total: 3, by_status: { scheduled: 1, published: 1, failed: 1 } },
      deliveries: [{ platform: 'pinterest', total: 3, by_status: { scheduled: 1, published: 1, failed: 1 } }],
      metrics: { totals: latest, by_platform: { pinterest: latest }, deliveries_read: 1 },
    });

    // Up to now: the post due in 2031 is outside.
    const now = new Date(Date.now() + 1000).toISOString();
    const past = await (await p.api('GET', `/api/v1/analytics/summary?from=2020-01-01T00:00:00Z&to=${now}`)).json();
    expect(past.posts).toEqual({ total: 2, by_status: { published: 1, failed: 1 } });
    expect(past.metrics.deliveries_read).toBe(1);
    const later = await (await p.api('GET', `/api/v1/analytics/summary?from=${now}`)).json();
    expect(later).toMatchObject({ posts: { total: 1, by_status: { scheduled: 1 } }, metrics: { totals: {}, deliveries_read: 0 } });

    const empty = await p.api('GET', `/api/v1/analytics/summary?from=${now}&to=2020-01-01T00:00:00Z`);
    expect(empty.status).toBe(400);
    expect((await empty.json()).errors).toEqual([{ field: 'to', message: 'must be later than from' }]);
    // Another workspace sees none of it.
    const other = await (await p.api('GET', '/api/v1/analytics/summary', { key: await p.newKey('elsewhere') })).json();
    expect(other.posts.total).toBe(0);
  });
});
