import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { FAST_SCHEDULER, fastPinterest, pinterestAccount, settled, startImageServer, waitFor } from '../helpers/posts.js';
import { startWorkers } from '../helpers/workers.js';

describe.each(DIALECTS)('a worker killed mid-publish on %s', (dialect) => {
  let p: TestPinion | undefined;
  let images: Awaited<ReturnType<typeof startImageServer>> | undefined;
  afterEach(async () => {
    await p?.close();
    await images?.close();
  });

  it('kill -9 and restart: every post published exactly once', async () => {
    images = await startImageServer();
    // Slow pin creation, so the kill lands while calls are in flight; the API process runs no worker.
    p = await startTestPinion({
      dialect,
      sandbox: { faults: { latencyMs: 700, only: ['POST /v5/pins'] } },
      config: { scheduler: FAST_SCHEDULER, platforms: fastPinterest({ limit: 1000, windowSeconds: 1 }) },
    });
    const { sandboxUserId } = await pinterestAccount(p);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await p.api('POST', '/api/v1/posts', {
        body: {
          content: `Crash ${i}`,
          platforms: ['pinterest'],
          media_url: `${images.url}/good.jpg`,
          platform_options: { pinterest: { board: 'Products', title: `Crash ${i}` } },
        },
      });
      ids.push((await res.json()).id);
    }

    const first = await startWorkers(p, 1, { scheduler: { concurrency: 4, leaseSeconds: 2 } });
    // Kill once Pinterest has received creates it has not yet answered: those pins will exist.
    await waitFor(async () => (p!.sandbox!.stats().operations['POST /v5/pins'] ?? 0) >= 2 || undefined, 'creates in flight', 20_000, 10);
    first.workers[0]!.child.kill('SIGKILL');
    const inFlight = await p.store.db.selectFrom('deliveries').selectAll().where('status', '=', 'publishing').execute();
    expect(inFlight.length, 'deliveries left publishing by the dead worker').toBeGreaterThan(0);

    const second = await startWorkers(p, 1, { scheduler: { concurrency: 4, leaseSeconds: 2 } });
    try {
      const done = await settled(p, ids, 60_000);
      expect(done.map((d) => d.status)).toEqual(ids.map(() => 'published'));
      const pins = p.sandbox!.state.pinsOf(sandboxUserId);
      expect(pins).toHaveLength(12);
      expect(new Set(pins.map((x) => x.title)).size).toBe(12);
      expect(new Set(done.map((d) => d.deliveries[0]!.external_id))).toEqual(new Set(pins.map((x) => x.id)));
      // The pins whose creation the dead worker had started were found and adopted, not created again.
      expect(done.filter((d) => d.deliveries[0]!.adopted).length, JSON.stringify(inFlight.map((d) => [d.id, d.attempt_pending, d.attempts]))).toBeGreaterThan(
        0,
      );
      expect(p.sandbox!.stats().users[sandboxUserId]!.create_pin_calls).toBe(12);
    } finally {
      await second.stop();
    }
  });
});
