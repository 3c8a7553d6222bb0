import { afterEach, describe, expect, it } from 'vitest';
import { PinterestClient } from '../../src/connectors/pinterest/index.js';
import type { FaultConfig, PinterestSandboxOptions } from '../../src/sandbox/pinterest/index.js';
import { DIALECTS } from '../helpers/stores.js';
import { clockedPinion } from '../helpers/clocked.js';
import { getPost, type PostJson } from '../helpers/posts.js';
import { ALL_SCOPES } from '../sandbox/pinterest/support.js';

const DROP_LATE = (commitDelayMs: number): FaultConfig => ({ dropAfterCommitRate: 1, commitDelayMs, only: ['POST /v5/pins'] });
/** Pinterest's default outcome window (10 minutes); the pass runs with Pinion's default retry delays. */
const WINDOW_S = 600;

/**
 * Pinion's publish pass and the sandbox share a clock the test moves by hand, so a platform that
 * commits minutes after the answer was lost is tested at the issue's real times, in seconds.
 */
describe.each(DIALECTS)('a publish whose answer is lost while Pinterest commits late, on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof clockedPinion>> | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function setup(sandbox: PinterestSandboxOptions, olderTwins = 0) {
    const c = await clockedPinion({ dialect, sandbox, startAt: Date.now() - 2 * 3600_000, outcomeWindowSeconds: WINDOW_S });
    t = c;
    const p = c.p;
    // The same pin made by hand an hour or two ago: never to be taken for this attempt's.
    if (olderTwins) {
      p.sandbox!.setFaults({});
      const board = [...p.sandbox!.state.boards.values()].find((b) => b.ownerId === c.sandboxUserId)!;
      const token = p.sandbox!.issueTokens(c.sandboxUserId, ALL_SCOPES).access_token;
      const client = new PinterestClient({
        apiBaseUrl: p.config.platforms.pinterest!.apiBaseUrl,
        authorizeUrl: p.config.platforms.pinterest!.authorizeUrl,
        clientId: 'pinion-sandbox',
        clientSecret: 'pinion-sandbox-secret',
      });
      for (let i = 0; i < olderTwins; i++) {
        await client.createPin(token, {
          board_id: board.id,
          title: 'Apron',
          description: 'Linen apron',
          link: 'https://shop.example/apron',
          media_source: { source_type: 'image_url', url: `${c.images.url}/good.jpg` },
        });
        await c.clock.advance(20 * 60_000);
      }
      p.sandbox!.setFaults(sandbox.faults ?? {});
    }
    const id = await c.schedule('Apron');
    const started = c.clock.now();
    /** Moves time on in steps, running the pass at each, until `seconds` after the first attempt. */
    async function runFor(seconds: number, step = 10, each?: (elapsedS: number) => Promise<void> | void) {
      while (c.clock.now() - started < seconds * 1000) {
        await c.clock.advance(step * 1000);
        // A late commit woken by this step fetches its image before the pin exists: let it land (a later look would find it anyway).
        await new Promise((r) => setTimeout(r, 30));
        await c.run();
        await each?.((c.clock.now() - started) / 1000);
      }
    }
    await c.run();
    return { ...c, started, runFor, id, post: () => getPost(p, id) };
  }

  const delivery = (post: PostJson) => post.deliveries[0]!;

  for (const [label, delayS, listOrder] of [
    ['65 s', 65, 'newest_first'],
    ['65 s', 65, 'oldest_first'],
    ['5 minutes', 300, 'newest_first'],
  ] as const) {
    it(`finds and adopts the pin Pinterest commits ${label} after the request, without posting again (boards listed ${listOrder})`, async () => {
      const t = await setup({ faults: DROP_LATE(delayS * 1000), listOrder }, 3);
      t!.p.sandbox!.setFaults({});
      expect(delivery(await t.post())).toMatchObject({ status: 'awaiting_check', attempts: 1, last_error: { kind: 'unknown_outcome' } });
      await t.runFor(WINDOW_S + 120, 10, async () => {
        expect(t.creates()).toBe(4);
      });
      const done = await t.post();
      expect(done.status).toBe('published');
      // The newest pin: the late one, not one of the older twins.
      expect(delivery(done)).toMatchObject({
        status: 'published',
        adopted: true,
        attempts: 1,
        external_id: t.pins().at(-1)!.id,
        duplicates: [],
        warning: null,
      });
      expect(t.pins().filter((x) => x.id === delivery(done).external_id)).toHaveLength(1);
      expect(t.pins()).toHaveLength(4);
      expect(t.creates()).toBe(4);
    });
  }

  it('publishes again only after a look made once the window has passed found nothing, when Pinterest never commits', async () => {
    // The request is cut off and never acted on.
    const t = await setup({ faults: { timeoutRate: 1, hangMs: 10, only: ['POST /v5/pins'] } });
    t!.p.sandbox!.setFaults({});
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
    expect(t!.p.sandbox!.stats().operations['GET /v5/boards/{board_id}/pins']).toBeGreaterThanOrEqual(5);
  });

  it('keeps one pin and deletes the other when an attempt is committed after its window and the next one lands too', async () => {
    // The first attempt lands 10 s after its window has run out; the second attempt's answer is lost too.
    const t = await setup({ faults: DROP_LATE((WINDOW_S + 10) * 1000) });
    t!.p.sandbox!.setFaults(DROP_LATE(1000));
    await t.runFor(WINDOW_S + 300, 10, () => {
      if (t.creates() === 2) t!.p.sandbox!.setFaults({});
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

  it("deletes the first attempt's pin when Pinterest makes it after its window, once the post went out again", async () => {
    // The first attempt lands 100 s after its window has run out; the second is answered at once.
    const t = await setup({ faults: DROP_LATE((WINDOW_S + 100) * 1000) });
    t.p.sandbox!.setFaults({});
    await t.runFor(WINDOW_S + 60);
    const published = delivery(await t.post());
    expect(published).toMatchObject({ status: 'published', adopted: false, attempts: 2, duplicates: [] });
    await t.runFor(2 * WINDOW_S + 120);
    const d = delivery(await t.post());
    expect(t.creates()).toBe(2);
    expect(t.pins().map((x) => x.id)).toEqual([published.external_id]);
    expect(d).toMatchObject({ status: 'published', external_id: published.external_id, duplicates: [{ external_id: expect.any(String), removed: true }] });
    expect(d.warning).toMatch(new RegExp(`held this delivery 2 times.*kept ${published.external_id}, deleted \\d+\\.`));
  });
});
