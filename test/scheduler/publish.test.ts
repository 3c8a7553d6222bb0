import { afterEach, describe, expect, it } from 'vitest';
import type { FaultConfig, PinterestSandboxOptions } from '../../src/sandbox/pinterest/index.js';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { FAST_SCHEDULER, fastPinterest, getPost, pinterestAccount, settled, startImageServer, waitFor } from '../helpers/posts.js';

describe.each(DIALECTS)('publishing on %s', (dialect) => {
  let p: TestPinion | undefined;
  let images: Awaited<ReturnType<typeof startImageServer>> | undefined;
  afterEach(async () => {
    await p?.close();
    await images?.close();
    p = undefined;
  });

  async function setup(sandbox: PinterestSandboxOptions = {}, budget: Parameters<typeof fastPinterest>[0] = {}, maxAttempts = FAST_SCHEDULER.maxAttempts) {
    images = await startImageServer();
    p = await startTestPinion({ dialect, worker: true, sandbox, config: { scheduler: { ...FAST_SCHEDULER, maxAttempts }, platforms: fastPinterest(budget) } });
    return pinterestAccount(p);
  }
  const schedule = async (extra: Record<string, unknown> = {}, title = 'A pin') => {
    const res = await p!.api('POST', '/api/v1/posts', {
      body: {
        content: 'Describe it',
        platforms: ['pinterest'],
        media_url: `${images!.url}/good.jpg`,
        link: 'https://shop.example/x',
        platform_options: { pinterest: { board: 'Products', title } },
        ...extra,
      },
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string };
  };
  const pinsOf = (userId: string) => p!.sandbox!.state.pinsOf(userId);

  // "Not a moment before" is proved on a clock (retries-on-a-clock.test.ts); here a real worker publishes on time.
  it('publishes at the scheduled time and tells webhooks', async () => {
    const { sandboxUserId, board } = await setup();
    const at = new Date(Date.now() + 1500);
    const { id } = await schedule({ scheduled_at: at.toISOString() });
    const [done] = await settled(p!, [id]);
    const d = done!.deliveries[0]!;
    expect(done!.status).toBe('published');
    expect(Date.parse(d.published_at!)).toBeGreaterThanOrEqual(at.getTime());
    expect(Date.parse(d.published_at!) - at.getTime()).toBeLessThan(1500);
    const pins = pinsOf(sandboxUserId);
    expect(pins).toHaveLength(1);
    expect(pins[0]).toMatchObject({ id: d.external_id, boardId: board.id, title: 'A pin', description: 'Describe it', link: 'https://shop.example/x' });
    expect(d.url).toBe(`https://www.pinterest.com/pin/${d.external_id}/`);
    const events = await p!.store.db.selectFrom('webhook_events').selectAll().where('type', '=', 'post.published').execute();
    expect(events.map((e) => JSON.parse(e.payload).post_id ?? JSON.parse(e.payload).data?.post_id)).toContain(id);
  });

  it('publishes a post with no time at once', async () => {
    const { sandboxUserId } = await setup();
    const started = Date.now();
    const { id } = await schedule();
    await settled(p!, [id]);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(pinsOf(sandboxUserId)).toHaveLength(1);
    const metrics = await (await fetch(`${p!.url}/metrics`)).text();
    expect(metrics).toContain('pinion_deliveries_published_total{platform="pinterest",adopted="false"} 1');
    expect(metrics).toMatch(/pinion_publish_lateness_seconds_count\{platform="pinterest"\} 1/);
  });

  it('shows the post as publishing while Pinterest is being called, and scheduled again while a retry waits', async () => {
    images = await startImageServer();
    const scheduler = { ...FAST_SCHEDULER, maxAttempts: 2, retryBaseSeconds: 2, retryMaxSeconds: 2 };
    p = await startTestPinion({
      dialect,
      worker: true,
      sandbox: { faults: { latencyMs: 800, errorRate: 1, only: ['POST /v5/pins'] } },
      config: { scheduler, platforms: fastPinterest() },
    });
    await pinterestAccount(p);
    const { id } = await schedule();
    const busy = await waitFor(
      async () => {
        const post = await getPost(p!, id);
        return post.deliveries[0]!.status === 'publishing' && post;
      },
      'a delivery in flight',
      5000,
      10,
    );
    expect(busy.status).toBe('publishing');
    // The sandbox answers 500: the delivery waits for its retry, and the post with it.
    const waiting = await waitFor(
      async () => {
        const post = await getPost(p!, id);
        return post.deliveries[0]!.status === 'scheduled' && post.deliveries[0]!.attempts === 1 && post;
      },
      'the retry to be queued',
      5000,
      10,
    );
    expect(waiting.status).toBe('scheduled');
    const listed = await (await p!.api('GET', '/api/v1/posts?status=scheduled')).json();
    expect(listed.data.map((x: { id: string }) => x.id)).toContain(id);
    const [done] = await settled(p!, [id]);
    expect(done!.status).toBe('failed');
  });

  it("fails at once with Pinterest's own message when Pinterest refuses what Pinion only warned about", async () => {
    await setup();
    // 50×50 passes Pinion's checks with a warning; Pinterest refuses it as too small (code 233).
    const body = { content: 'Tiny', platforms: ['pinterest'], media_url: `${images!.url}/small.png`, platform_options: { pinterest: { board: 'Products' } } };
    const checked = await (await p!.api('POST', '/api/v1/posts:validate', { body })).json();
    expect(checked.warnings).toContainEqual({ field: 'media_url', message: expect.stringMatching(/is 50×50; Pinterest advises at least 600×900/) });
    const res = await p!.api('POST', '/api/v1/posts', { body });
    expect(res.status).toBe(201);
    const created = await res.json();
    const [done] = await settled(p!, [created.id]);
    expect(done!.status).toBe('failed');
    expect(done!.deliveries[0]).toMatchObject({
      attempts: 1,
      last_error: { kind: 'rejected', message: expect.stringMatching(/image is too small.*code 233/) },
    });
    const failed = await p!.store.db.selectFrom('webhook_events').selectAll().where('type', '=', 'post.failed').execute();
    expect(failed).toHaveLength(1);
  });

  it('retries server errors with backoff and publishes once', async () => {
    const { sandboxUserId } = await setup({ faults: { errorRate: 1, only: ['POST /v5/pins'] } });
    const { id } = await schedule();
    await waitFor(async () => (await getPost(p!, id)).deliveries[0]!.attempts >= 2 || undefined, 'two failed attempts');
    p!.sandbox!.setFaults({});
    const [done] = await settled(p!, [id]);
    expect(done!.status).toBe('published');
    expect(done!.deliveries[0]!.attempts).toBeGreaterThanOrEqual(3);
    expect(pinsOf(sandboxUserId)).toHaveLength(1);
  });

  it('adopts the pin when Pinterest created it but the answer was lost', async () => {
    const { sandboxUserId } = await setup({ faults: { dropAfterCommitRate: 1, only: ['POST /v5/pins'] } });
    const { id } = await schedule();
    const [done] = await settled(p!, [id]);
    expect(done!.status).toBe('published');
    expect(done!.deliveries[0]!.adopted).toBe(true);
    expect(pinsOf(sandboxUserId)).toHaveLength(1);
    expect(p!.sandbox!.stats().users[sandboxUserId]!.create_pin_calls).toBe(1);
    expect(done!.deliveries[0]!.external_id).toBe(pinsOf(sandboxUserId)[0]!.id);
  });

  it('gives up a timed-out call without guessing, looks, then publishes once', async () => {
    const { sandboxUserId } = await setup({ faults: { timeoutRate: 1, only: ['POST /v5/pins'], hangMs: 5000 } }, { timeoutMs: 300 });
    const { id } = await schedule();
    await waitFor(
      async () => (await getPost(p!, id)).deliveries[0]!.attempts >= 1 && (await getPost(p!, id)).deliveries[0]!.last_error?.kind === 'unknown_outcome',
      'a timed-out attempt',
    );
    p!.sandbox!.setFaults({});
    const [done] = await settled(p!, [id]);
    expect(done!.status).toBe('published');
    expect(pinsOf(sandboxUserId)).toHaveLength(1);
  });

  it('fails a post whose outcome stays unknown because the board cannot be searched, without posting again', async () => {
    images = await startImageServer();
    const scheduler = { ...FAST_SCHEDULER, unknownOutcomeGiveUpSeconds: 1.5 };
    const faults: FaultConfig = { timeoutRate: 1, hangMs: 3000, only: ['POST /v5/pins', 'GET /v5/boards/{board_id}/pins'] };
    p = await startTestPinion({ dialect, worker: true, sandbox: { faults }, config: { scheduler, platforms: fastPinterest({ timeoutMs: 300 }) } });
    const { sandboxUserId } = await pinterestAccount(p);
    const { id } = await schedule();
    const [done] = await settled(p, [id]);
    expect(done!.status).toBe('failed');
    expect(done!.deliveries[0]).toMatchObject({
      attempts: 1,
      last_error: {
        kind: 'unknown_outcome',
        message: expect.stringMatching(/^Could not find out whether pinterest made this post: .*Pinion will not publish it again; check the board\.$/),
      },
    });
    expect(p.sandbox!.stats().users[sandboxUserId]!.create_pin_calls).toBe(1);
    const failed = await p.store.db.selectFrom('webhook_events').selectAll().where('type', '=', 'post.failed').execute();
    expect(JSON.parse(failed[0]!.payload).error.kind).toBe('unknown_outcome');
  });

  it('under mixed faults publishes every post exactly once: no duplicates, none lost', async () => {
    const faults: FaultConfig = {
      errorRate: 0.2,
      timeoutRate: 0.1,
      dropAfterCommitRate: 0.25,
      seed: 7,
      hangMs: 2000,
      only: ['POST /v5/pins', 'GET /v5/boards/{board_id}/pins'],
    };
    // Over half the calls fail here; enough attempts that none gives up, since this is about duplicates and losses.
    const { sandboxUserId } = await setup({ faults }, { timeoutMs: 400 }, 40);
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) ids.push((await schedule({}, `Pin ${i}`)).id);
    const done = await settled(p!, ids, 60_000);
    expect(done.map((d) => (d.status === 'published' ? d.status : `${d.status}: ${d.deliveries[0]!.last_error?.message}`))).toEqual(ids.map(() => 'published'));
    const pins = pinsOf(sandboxUserId);
    expect(pins).toHaveLength(24);
    expect(new Set(pins.map((x) => x.title)).size).toBe(24);
    const externalIds = done.map((d) => d.deliveries[0]!.external_id);
    expect(new Set(externalIds).size).toBe(24);
    expect(new Set(pins.map((x) => x.id))).toEqual(new Set(externalIds));
  });

  it('spaces pins to stay inside the per-account budget and causes no 429', async () => {
    // Pinterest allows 5 a second here; Pinion's budget is 4, below the platform's limit as configured by default.
    const { sandboxUserId } = await setup({ rateLimits: { org_write: { limit: 5, windowSeconds: 1 } } }, { limit: 4, windowSeconds: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await schedule({}, `Paced ${i}`)).id);
    const done = await settled(p!, ids, 30_000);
    expect(done.every((d) => d.status === 'published' && d.deliveries[0]!.attempts === 1)).toBe(true);
    // Every create call made a pin: none was refused with a 429.
    expect(p!.sandbox!.stats().users[sandboxUserId]!.create_pin_calls).toBe(10);
    const rows = await p!.store.db.selectFrom('deliveries').select('attempt_started_at').execute();
    const times = rows.map((r) => r.attempt_started_at!).sort((a, b) => a - b);
    for (let i = 4; i < times.length; i++) expect(times[i]! - times[i - 4]!).toBeGreaterThanOrEqual(1000);
  });

  it('waits for the reset time when the platform says 429, without spending attempts', async () => {
    const { sandboxUserId } = await setup({ rateLimits: { org_write: { limit: 2, windowSeconds: 2 } } }, { limit: 50, windowSeconds: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await schedule({}, `Limited ${i}`)).id);
    const done = await settled(p!, ids, 30_000);
    expect(done.every((d) => d.status === 'published')).toBe(true);
    expect(pinsOf(sandboxUserId)).toHaveLength(5);
    expect(Math.max(...done.map((d) => d.deliveries[0]!.attempts))).toBe(1);
  });

  it('fails the delivery when the account needs reconnecting', async () => {
    const { sandboxUserId } = await setup();
    const { id } = await schedule({ scheduled_at: new Date(Date.now() + 1000).toISOString() });
    // The person removes the app on Pinterest before the post is due.
    for (const [token, t] of p!.sandbox!.state.tokens) if (t.userId === sandboxUserId) p!.sandbox!.state.tokens.delete(token);
    const [done] = await settled(p!, [id]);
    expect(done!.status).toBe('failed');
    expect(done!.deliveries[0]!.last_error!.kind).toBe('auth_revoked');
  });
});
