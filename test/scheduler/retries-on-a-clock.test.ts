import { afterEach, describe, expect, it } from 'vitest';
import { PinterestClient } from '../../src/connectors/pinterest/index.js';
import { claimDeliveries } from '../../src/scheduler/index.js';
import { recordAttempt } from '../../src/scheduler/delivery-claims.js';
import { DIALECTS } from '../helpers/stores.js';
import { clockedPinion } from '../helpers/clocked.js';
import { ALL_SCOPES } from '../sandbox/pinterest/support.js';

/** Backoff, leases and give-up times at Pinion's real defaults, on a clock the test moves: nothing here sleeps. */
describe.each(DIALECTS)('retries, leases and give-up times on a clock, on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof clockedPinion>> | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('publishes at the scheduled time and not a moment before', async () => {
    t = await clockedPinion({ dialect });
    const at = Math.ceil((Date.now() + 3600_000) / 1000) * 1000;
    const id = await t.schedule('Apron', { scheduled_at: new Date(at).toISOString() });
    await t.clock.advance(at - t.clock.now() - 1);
    await t.run();
    expect(await t.delivery(id)).toMatchObject({ status: 'scheduled', attempts: 0 });
    expect(t.pins()).toEqual([]);
    await t.clock.advance(1);
    await t.run();
    expect(await t.delivery(id)).toMatchObject({ status: 'published', attempts: 1, published_at: new Date(at).toISOString(), external_id: t.pins()[0]!.id });
    expect(t.outcomes).toMatchObject([{ type: 'published', publishedAt: at, adopted: false }]);
  });

  it('retries a server error after its backoff and not before, looks each time, and gives up after the last attempt', async () => {
    t = await clockedPinion({ dialect, sandbox: { faults: { errorRate: 1, only: ['POST /v5/pins'] } }, pass: { maxAttempts: 3 } });
    const id = await t.schedule();
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const before = t.clock.now();
      await t.run();
      const d = await t.delivery(id);
      expect(d).toMatchObject({ status: 'scheduled', attempts: attempt, last_error: { kind: 'retryable' } });
      const wait = Date.parse(d.next_attempt_at!) - before;
      waits.push(wait);
      // 30 s doubling, ±25% jitter.
      expect(wait).toBeGreaterThanOrEqual(0.75 * 30_000 * 2 ** (attempt - 1));
      expect(wait).toBeLessThanOrEqual(1.25 * 30_000 * 2 ** (attempt - 1));
      // A moment before it is due, nothing happens.
      await t.clock.advance(wait - 1000);
      await t.run();
      expect((await t.delivery(id)).attempts).toBe(attempt);
      await t.clock.advance(1000);
    }
    await t.run();
    const d = await t.delivery(id);
    expect(d).toMatchObject({ status: 'failed', attempts: 3, last_error: { kind: 'retryable', message: expect.stringMatching(/^Gave up after 3 attempts/) } });
    expect(t.pins()).toEqual([]);
    // After each server error the board was looked at before the next attempt.
    expect(t.p.sandbox!.stats().operations['GET /v5/boards/{board_id}/pins']).toBe(3);
    expect(t.outcomes.map((o) => o.type)).toEqual(['failed']);
  });

  it("takes back a dead worker's delivery when its lease runs out, not before, and adopts the pin its last request made", async () => {
    t = await clockedPinion({ dialect });
    const id = await t.schedule();
    // A worker claims the delivery, records its attempt, sends it (Pinterest makes the pin) and dies.
    const [claimed] = await claimDeliveries(t.p.store.db, t.p.store.dialect, { owner: 'dead', leaseMs: 60_000, limit: 1, now: t.clock.now() });
    expect(
      await recordAttempt(t.p.store.db, claimed!, 'dead', { attempts: 1, startedAt: t.clock.now(), checkUntil: t.clock.now() + 660_000, now: t.clock.now() }),
    ).toBe(true);
    const token = t.p.sandbox!.issueTokens(t.sandboxUserId, ALL_SCOPES).access_token;
    const client = new PinterestClient({
      apiBaseUrl: t.p.config.platforms.pinterest!.apiBaseUrl,
      authorizeUrl: t.p.config.platforms.pinterest!.authorizeUrl,
      clientId: 'x',
      clientSecret: 'y',
    });
    await client.createPin(token, JSON.parse(claimed!.payload));

    await t.clock.advance(59_000);
    await t.run();
    expect((await t.delivery(id)).status).toBe('publishing');
    await t.clock.advance(2000);
    await t.run();
    const d = await t.delivery(id);
    expect(d).toMatchObject({ status: 'published', adopted: true, attempts: 1, external_id: t.pins()[0]!.id });
    expect(t.pins()).toHaveLength(1);
  });

  it('gives up an outcome it cannot learn after the give-up time: needs attention, post failed, never posted again', async () => {
    const faults = { timeoutRate: 1, hangMs: 10, only: ['POST /v5/pins', 'GET /v5/boards/{board_id}/pins'] };
    t = await clockedPinion({ dialect, sandbox: { faults }, pass: { unknownOutcomeGiveUpMs: 3600_000 } });
    const id = await t.schedule();
    await t.run();
    expect(await t.delivery(id)).toMatchObject({ status: 'awaiting_check', attempts: 1 });
    let checkedAt = 0;
    while ((await t.delivery(id)).status !== 'needs_attention') {
      await t.clock.advance(5 * 60_000);
      checkedAt += 5;
      await t.run();
      if (checkedAt < 60) expect((await t.delivery(id)).status).not.toBe('needs_attention');
      expect(checkedAt).toBeLessThan(120);
    }
    const d = await t.delivery(id);
    expect(d.last_error).toMatchObject({ kind: 'unknown_outcome', message: expect.stringMatching(/Pinion will not publish it again; check the board/) });
    expect((await (await t.p.api('GET', `/api/v1/posts/${id}`)).json()).status).toBe('failed');
    expect(t.creates()).toBe(1);
    expect(t.outcomes.map((o) => o.type)).toEqual(['needs_attention']);
  });
});
