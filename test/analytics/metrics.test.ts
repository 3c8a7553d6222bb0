import { afterEach, describe, expect, it } from 'vitest';
import { analyticsPass } from '../../src/analytics/index.js';
import { ManualClock } from '../../src/shared/index.js';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { FAST_SCHEDULER, fastPinterest, pinterestAccount, settled, startImageServer } from '../helpers/posts.js';

const DAY = 86_400_000;
type Reading = { checkpoint: string; read_at: string; metrics: Record<string, number> };

describe.each(DIALECTS)('analytics on %s', (dialect) => {
  let p: TestPinion | undefined;
  let images: Awaited<ReturnType<typeof startImageServer>> | undefined;
  afterEach(async () => {
    await p?.close();
    await images?.close();
    p = undefined;
  });

  it('reads each published pin’s metrics at 1, 7 and 30 days (fake clock) and on request, and shows them per post and per period', async () => {
    images = await startImageServer();
    p = await startTestPinion({ dialect, worker: true, sandbox: {}, config: { scheduler: FAST_SCHEDULER, platforms: fastPinterest() } });
    await pinterestAccount(p);
    const created = await (
      await p.api('POST', '/api/v1/posts', {
        body: {
          content: 'Indigo apron',
          platforms: ['pinterest'],
          media_url: `${images.url}/good.jpg`,
          link: 'https://shop.example/apron',
          platform_options: { pinterest: { board: 'Products' } },
        },
      })
    ).json();
    const [published] = await settled(p, [created.id]);
    const publishedAt = Date.parse(published!.deliveries[0]!.published_at!);

    // On request, now: the pin's first day so far.
    const manual = await p.api('POST', `/api/v1/posts/${created.id}/analytics`);
    expect(manual.status).toBe(200);
    const m = (await manual.json()).deliveries[0].metrics;
    expect(m.readings.map((r: Reading) => r.checkpoint)).toEqual(['manual']);
    expect(Object.keys(m.latest).sort()).toEqual(['impressions', 'outbound_clicks', 'pin_clicks', 'saves']);
    expect(m.latest.impressions).toBeGreaterThan(0);

    const clock = new ManualClock(publishedAt + 1000);
    const pass = analyticsPass({ db: p.store.db, accounts: p.accounts, clock, log: { warn: () => {} }, readsPerPass: 10, idleIntervalMs: 1000 });
    const checkpoints = async () => {
      const post = await (await p!.api('GET', `/api/v1/posts/${created.id}`)).json();
      return (post.deliveries[0].metrics?.readings ?? []).filter((r: Reading) => r.checkpoint !== 'manual') as Reading[];
    };

    await pass.run(new AbortController().signal);
    expect(await checkpoints()).toEqual([]); // nothing is due before a day has passed
    await clock.advance(DAY);
    await pass.run(new AbortController().signal);
    expect((await checkpoints()).map((r) => r.checkpoint)).toEqual(['1d']);
    await pass.run(new AbortController().signal);
    expect(await checkpoints()).toHaveLength(1); // read once per checkpoint
    await clock.advance(6 * DAY);
    await pass.run(new AbortController().signal);
    await clock.advance(23 * DAY);
    await pass.run(new AbortController().signal);
    const readings = await checkpoints();
    expect(readings.map((r) => r.checkpoint)).toEqual(['1d', '7d', '30d']);
    expect(readings.map((r) => Date.parse(r.read_at) - publishedAt)).toEqual([DAY + 1000, 7 * DAY + 1000, 30 * DAY + 1000]);
    // Counts accumulate over the pin's life: deterministic per pin and day, growing with each checkpoint.
    expect(readings[0]!.metrics.impressions).toBeLessThan(readings[1]!.metrics.impressions!);
    expect(readings[1]!.metrics.impressions).toBeLessThan(readings[2]!.metrics.impressions!);

    const from = new Date(publishedAt - 60_000).toISOString();
    const to = new Date(publishedAt + 60_000).toISOString();
    const report = await (await p.api('GET', `/api/v1/analytics?platform=pinterest&from=${from}&to=${to}`)).json();
    expect(report.data).toHaveLength(1);
    expect(report.data[0]).toMatchObject({ post_id: created.id, platform: 'pinterest', metrics: readings[2]!.metrics });
    expect(report.totals).toEqual(readings[2]!.metrics);
    const empty = await (await p.api('GET', `/api/v1/analytics?platform=pinterest&from=${to}`)).json();
    expect(empty).toEqual({ totals: {}, data: [] });
  });

  it('spends the account’s read budget: reads of one account are paced, the rest wait for a later pass', async () => {
    images = await startImageServer();
    p = await startTestPinion({ dialect, worker: true, sandbox: {}, config: { scheduler: FAST_SCHEDULER, platforms: fastPinterest() } });
    await pinterestAccount(p);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await p.api('POST', '/api/v1/posts', {
        body: { content: `Pin ${i}`, platforms: ['pinterest'], media_url: `${images.url}/good.jpg`, platform_options: { pinterest: { board: 'Products' } } },
      });
      ids.push((await res.json()).id);
    }
    await settled(p, ids);
    const clock = new ManualClock(Date.now() + DAY + 60_000);
    const pass = analyticsPass({ db: p.store.db, accounts: p.accounts, clock, log: { warn: () => {} }, readsPerPass: 10, idleIntervalMs: 1000 });
    const read = async () =>
      Number(
        (
          await p!.store.db
            .selectFrom('delivery_metrics')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    await pass.run(new AbortController().signal);
    expect(await read()).toBe(1); // 100 a minute: one read per 600 ms of the account's budget
    await clock.advance(600);
    await pass.run(new AbortController().signal);
    expect(await read()).toBe(2);
    await clock.advance(600);
    await pass.run(new AbortController().signal);
    expect(await read()).toBe(3);
  });
});
