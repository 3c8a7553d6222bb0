import { afterEach, describe, expect, it } from 'vitest';
import { budgetFor, outcomeWindowFor, publisherFor } from '../../src/connectors/index.js';
import type { FaultConfig, PinterestSandboxOptions } from '../../src/sandbox/pinterest/index.js';
import { publishPass, type DeliveryOutcome } from '../../src/scheduler/index.js';
import { ManualClock } from '../../src/shared/index.js';
import { PinterestClient } from '../../src/connectors/pinterest/index.js';
import { ALL_SCOPES } from '../sandbox/pinterest/support.js';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { FAST_SCHEDULER, fastPinterest, getPost, pinterestAccount, startImageServer, type PostJson } from '../helpers/posts.js';

const DROP_LATE = (commitDelayMs: number): FaultConfig => ({ dropAfterCommitRate: 1, commitDelayMs, only: ['POST /v5/pins'] });
/** Pinterest's default outcome window (10 minutes) and Pinion's default retry delays. */
const WINDOW_S = 600;

/**
 * Pinion's publish pass and the sandbox share a clock the test moves by hand, so a platform that
 * commits minutes after the answer was lost is tested at the issue's real times, in seconds.
 */
describe.each(DIALECTS)('a publish whose answer is lost while Pinterest commits late, on %s', (dialect) => {
  let p: TestPinion | undefined;
  let images: Awaited<ReturnType<typeof startImageServer>> | undefined;
  afterEach(async () => {
    await p?.close();
    await images?.close();
    p = undefined;
  });

  async function setup(sandbox: PinterestSandboxOptions, olderTwins = 0) {
    const clock = new ManualClock(Date.now() - 2 * 3600_000);
    images = await startImageServer();
    p = await startTestPinion({ dialect, sandbox: { ...sandbox, clock }, config: { scheduler: FAST_SCHEDULER, pinterest: fastPinterest({ outcomeWindowSeconds: WINDOW_S }) } });
    const { sandboxUserId } = await pinterestAccount(p);
    // The same pin made by hand an hour or two ago: never to be taken for this attempt's.
    if (olderTwins) {
      p.sandbox!.setFaults({});
      const board = [...p.sandbox!.state.boards.values()].find((b) => b.ownerId === sandboxUserId)!;
      const token = p.sandbox!.issueTokens(sandboxUserId, ALL_SCOPES).access_token;
      const client = new PinterestClient({ apiBaseUrl: p.config.pinterest.apiBaseUrl, authorizeUrl: p.config.pinterest.authorizeUrl, clientId: 'pinion-sandbox', clientSecret: 'pinion-sandbox-secret' });
      for (let i = 0; i < olderTwins; i++) {
        await client.createPin(token, { board_id: board.id, title: 'Apron', description: 'Late apron', link: 'https://shop.example/apron', media_source: { source_type: 'image_url', url: `${images.url}/good.jpg` } });
        await clock.advance(20 * 60_000);
      }
      p.sandbox!.setFaults(sandbox.faults ?? {});
    }
    const res = await p.api('POST', '/api/v1/posts', {
      body: { content: 'Late apron', platforms: ['pinterest'], media_url: `${images.url}/good.jpg`, link: 'https://shop.example/apron', platform_options: { pinterest: { board: 'Products', title: 'Apron' } } },
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const config = p.config;
    const outcomes: DeliveryOutcome[] = [];
    const pass = publishPass({
      db: p.store.db,
      dialect: p.store.dialect,
      log: p.log,
      tokens: p.accounts.tokens,
      publisherFor: (platform) => publisherFor(config, platform),
      budgetFor: (platform) => budgetFor(config, platform),
      outcomeWindowFor: (platform) => outcomeWindowFor(config, platform),
      clock,
      concurrency: 4,
      leaseMs: 60_000,
      pollIntervalMs: 50,
      maxAttempts: 8,
      // Pinion's defaults: first look 30 s after the lost answer, then every 2 minutes.
      retryBaseMs: 30_000,
      retryMaxMs: 3_600_000,
      unknownOutcomeGiveUpMs: 86_400_000,
      onOutcome: async (_trx, outcome) => {
        outcomes.push(outcome);
      },
    });
    // The post is due at the API's time of creation; the clock starts a moment later.
    await clock.advance(Date.now() - clock.now() + 1000);
    const started = clock.now();
    const creates = () => p!.sandbox!.stats().users[sandboxUserId]!.create_pin_calls ?? 0;
    const pins = () => p!.sandbox!.state.pinsOf(sandboxUserId);
    const post = () => getPost(p!, id);
    /** Moves time on in steps, running the pass at each, until `until` s after the first attempt. */
    async function runFor(seconds: number, step = 10, each?: (elapsedS: number) => Promise<void> | void) {
      while (clock.now() - started < seconds * 1000) {
        const before = pins().length;
        await clock.advance(step * 1000);
        // A late commit woken by this step fetches its image before the pin exists: let it land.
        await new Promise((r) => setTimeout(r, 20));
        if (p!.sandbox!.stats().operations['POST /v5/pins'] && pins().length === before) await new Promise((r) => setTimeout(r, 30));
        await pass.run(new AbortController().signal);
        await each?.((clock.now() - started) / 1000);
      }
    }
    await pass.run(new AbortController().signal);
    return { clock, started, pass, creates, pins, post, runFor, id, outcomes };
  }

  const delivery = (post: PostJson) => post.deliveries[0]!;

  for (const [label, delayS, listOrder] of [
    ['65 s', 65, 'newest_first'],
    ['65 s', 65, 'oldest_first'],
    ['5 minutes', 300, 'newest_first'],
  ] as const) {
    it(`finds and adopts the pin Pinterest commits ${label} after the request, without posting again (boards listed ${listOrder})`, async () => {
      const t = await setup({ faults: DROP_LATE(delayS * 1000), listOrder }, 3);
      p!.sandbox!.setFaults({});
      expect(delivery(await t.post())).toMatchObject({ status: 'awaiting_check', attempts: 1, last_error: { kind: 'unknown_outcome' } });
      await t.runFor(WINDOW_S + 120, 10, async () => {
        expect(t.creates()).toBe(4);
      });
      const done = await t.post();
      expect(done.status).toBe('published');
      // The newest pin: the late one, not one of the older twins.
      expect(delivery(done)).toMatchObject({ status: 'published', adopted: true, attempts: 1, external_id: t.pins().at(-1)!.id, duplicates: [], warning: null });
      expect(t.pins().filter((x) => x.id === delivery(done).external_id)).toHaveLength(1);
      expect(t.pins()).toHaveLength(4);
      expect(t.creates()).toBe(4);
    });
  }

  it('publishes again only after a look made once the window has passed found nothing, when Pinterest never commits', async () => {
    // The request is cut off and never acted on.
    const t = await setup({ faults: { timeoutRate: 1, hangMs: 10, only: ['POST /v5/pins'] } });
    p!.sandbox!.setFaults({});
    const waiting = delivery(await t.post());
    expect(waiting).toMatchObject({ status: 'awaiting_check', attempts: 1 });
    expect(Date.parse(waiting.check_until!) - t.started).toBeGreaterThanOrEqual(WINDOW_S * 1000);
    let repostedAt = 0;
    await t.runFor(WINDOW_S + 300, 10, (elapsed) => {
      if (!repostedAt && t.creates() === 2) repostedAt = elapsed;
    });
    expect(repostedAt).toBeGreaterThanOrEqual(WINDOW_S);
    const done = await t.post();
    expect(delivery(done)).toMatchObject({ status: 'published', adopted: false, attempts: 2, external_id: t.pins()[0]!.id });
    expect(t.pins()).toHaveLength(1);
    // Every look after the lost answer read the board; the last one came after the window.
    expect(p!.sandbox!.stats().operations['GET /v5/boards/{board_id}/pins']).toBeGreaterThanOrEqual(5);
  });

  it('keeps one pin and deletes the other when an attempt is committed after its window and the next one lands too', async () => {
    // The first attempt lands 10 s after its window has run out; the second attempt's answer is lost too.
    const t = await setup({ faults: DROP_LATE((WINDOW_S + 10) * 1000) });
    p!.sandbox!.setFaults(DROP_LATE(1000));
    await t.runFor(WINDOW_S + 300, 10, () => {
      if (t.creates() === 2) p!.sandbox!.setFaults({});
    });
    const done = await t.post();
    const d = delivery(done);
    expect(t.creates()).toBe(2);
    expect(t.pins()).toHaveLength(1);
    expect(d).toMatchObject({ status: 'published', adopted: true, attempts: 2, external_id: t.pins()[0]!.id });
    expect(d.duplicates).toEqual([{ external_id: expect.any(String), url: expect.stringContaining('/pin/'), removed: true }]);
    expect(d.duplicates[0]!.external_id).not.toBe(d.external_id);
    expect(d.warning).toMatch(/held this delivery 2 times.*kept \d+, deleted \d+\./);
    // The listener heard of it once, with both ids.
    expect(t.outcomes.map((o) => o.type)).toEqual(['published']);
    expect(t.outcomes[0]).toMatchObject({ externalId: d.external_id, duplicates: [{ externalId: d.duplicates[0]!.external_id, removed: true }] });
  });
});
