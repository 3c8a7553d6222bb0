import { describe, expect, it } from 'vitest';
import { closedAfterEach } from '../helpers/cleanup.js';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { connectedAccount } from '../helpers/connect.js';
import { FAST_SCHEDULER, fastPinterest, getPost, startImageServer, waitFor } from '../helpers/posts.js';

describe.each(DIALECTS)("board writes share the account's Pinterest write budget with publishing on %s", (dialect) => {
  const track = closedAfterEach();
  let p: TestPinion | undefined;
  let images: Awaited<ReturnType<typeof startImageServer>> | undefined;

  // Two writes a minute: one every 30 s, far beyond the 10 s a board request waits for a slot.
  const start = async () => {
    p = track(
      await startTestPinion({
        dialect,
        worker: true,
        sandbox: {},
        config: { scheduler: FAST_SCHEDULER, platforms: fastPinterest({ limit: 2, windowSeconds: 60 }) },
      }),
    );
    const account = await connectedAccount(p, 'paced');
    return { account, user: p.sandbox!.state.findUserByUsername('paced')! };
  };

  it('answers 429 with Retry-After instead of spending a write the budget does not have', async () => {
    const { account, user } = await start();
    expect((await p!.api('POST', `/api/v1/accounts/${account.id}/boards`, { body: { name: 'First' } })).status).toBe(201);
    const second = await p!.api('POST', `/api/v1/accounts/${account.id}/boards`, { body: { name: 'Second' } });
    expect(second.status).toBe(429);
    expect(second.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = await second.json();
    expect(problem.detail).toMatch(/write budget is spent until .*publishing shares it/);
    const wait = Date.parse(problem.retry_at) - Date.now();
    expect(wait).toBeGreaterThan(20_000);
    expect(Number(second.headers.get('retry-after'))).toBe(Math.ceil(wait / 1000));
    const sections = await p!.api('POST', `/api/v1/accounts/${account.id}/boards/First/sections`, { body: { name: 'Soups' } });
    expect(sections.status).toBe(429);
    // Neither refused write reached Pinterest.
    expect(p!.sandbox!.state.boardsOf(user.id).map((b) => b.name)).toEqual(['First']);
  });

  it('holds a pin back after a board took the slot, rather than risk a 429', async () => {
    const { account, user } = await start();
    images = track(await startImageServer());
    expect((await p!.api('POST', `/api/v1/accounts/${account.id}/boards`, { body: { name: 'Products' } })).status).toBe(201);
    const made = Date.now();
    const res = await p!.api('POST', '/api/v1/posts', {
      body: { content: 'Now', platforms: ['pinterest'], media_url: `${images.url}/good.jpg`, platform_options: { pinterest: { board: 'Products' } } },
    });
    expect(res.status).toBe(201);
    const { id } = await res.json();
    const delivery = await waitFor(async () => {
      const row = await p!.store.db.selectFrom('deliveries').selectAll().where('post_id', '=', id).executeTakeFirst();
      return row && row.run_at > made + 20_000 && row;
    }, 'the pin to be put back until the next slot');
    expect(delivery).toMatchObject({ status: 'scheduled', attempts: 0 });
    expect((await getPost(p!, id)).status).toBe('scheduled');
    expect(p!.sandbox!.stats().users[user.id]?.create_pin_calls ?? 0).toBe(0);
  });

  it("after Pinterest answers a board write with 429, pins wait for Pinterest's reset too", async () => {
    images = track(await startImageServer());
    // Pinion's own budget is generous here; Pinterest's (the sandbox's) allows one write a minute.
    p = track(
      await startTestPinion({
        dialect,
        worker: true,
        sandbox: { rateLimits: { org_write: { limit: 1, windowSeconds: 60 } } },
        config: { scheduler: FAST_SCHEDULER, platforms: fastPinterest({ limit: 1000, windowSeconds: 1 }) },
      }),
    );
    const account = await connectedAccount(p, 'limited');
    const user = p.sandbox!.state.findUserByUsername('limited')!;
    expect((await p.api('POST', `/api/v1/accounts/${account.id}/boards`, { body: { name: 'Products' } })).status).toBe(201);
    const refused = await p.api('POST', `/api/v1/accounts/${account.id}/boards`, { body: { name: 'More' } });
    expect(refused.status).toBe(429);
    const retryAt = Date.parse((await refused.json()).retry_at);
    expect(retryAt - Date.now()).toBeGreaterThan(30_000);

    const res = await p.api('POST', '/api/v1/posts', {
      body: { content: 'Later', platforms: ['pinterest'], media_url: `${images.url}/good.jpg`, platform_options: { pinterest: { board: 'Products' } } },
    });
    const { id } = await res.json();
    const delivery = await waitFor(async () => {
      const row = await p!.store.db.selectFrom('deliveries').selectAll().where('post_id', '=', id).executeTakeFirst();
      return row && row.run_at >= retryAt && row;
    }, "the pin to wait for Pinterest's reset");
    expect(delivery.attempts).toBe(0);
    expect(p.sandbox!.stats().users[user.id]?.create_pin_calls ?? 0).toBe(0);
  });
});
