import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PinterestSandboxOptions } from '../../src/sandbox/pinterest/index.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { FAST_SCHEDULER, fastPinterest, getPost, pinterestAccount, settled, startImageServer, waitFor } from '../helpers/posts.js';
import { png } from '../sandbox/pinterest/support.js';

/**
 * Self-hosters run Pinion in their own zone, and Pinterest sends `created_at` without one. These run
 * the search after a lost answer with the whole process in a zone ahead of UTC and one behind it.
 * Node applies a change of `process.env.TZ` at once (since Node 13), and each test file has its own
 * process here, so the zone holds for Pinion, the sandbox and the test alike; the first test proves it.
 */
describe.each(['Asia/Tokyo', 'America/Los_Angeles'])('publishing with the server in %s', (zone) => {
  const saved = process.env.TZ;
  let p: TestPinion | undefined;
  let images: Awaited<ReturnType<typeof startImageServer>> | undefined;
  beforeAll(() => {
    process.env.TZ = zone;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
  afterEach(async () => {
    await p?.close();
    await images?.close();
    p = undefined;
  });

  async function setup(sandbox: PinterestSandboxOptions, timeoutMs = 1500) {
    images = await startImageServer();
    p = await startTestPinion({ worker: true, sandbox, config: { scheduler: FAST_SCHEDULER, platforms: fastPinterest({ timeoutMs }) } });
    return pinterestAccount(p);
  }
  const schedule = async () => {
    const body = {
      content: 'Describe it',
      platforms: ['pinterest'],
      media_url: `${images!.url}/good.jpg`,
      link: 'https://shop.example/x',
      platform_options: { pinterest: { board: 'Products', title: 'A pin' } },
    };
    const res = await p!.api('POST', '/api/v1/posts', { body });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };

  it('runs in that zone, where a zone-less time does not read as UTC', () => {
    expect(new Date(Date.UTC(2026, 0, 15)).getTimezoneOffset()).not.toBe(0);
    expect(Date.parse('2026-01-15T00:00:00')).not.toBe(Date.UTC(2026, 0, 15));
  });

  for (const timestamps of ['zoneless', 'utc-z'] as const) {
    it(`adopts the pin whose answer was lost instead of posting it again (${timestamps} times)`, async () => {
      const { sandboxUserId } = await setup({ timestamps, faults: { dropAfterCommitRate: 1, only: ['POST /v5/pins'] } });
      const id = await schedule();
      const [done] = await settled(p!, [id]);
      expect(done!.status).toBe('published');
      expect(done!.deliveries[0]!.adopted).toBe(true);
      expect(p!.sandbox!.state.pinsOf(sandboxUserId)).toHaveLength(1);
      expect(p!.sandbox!.stats().users[sandboxUserId]!.create_pin_calls).toBe(1);
    });
  }

  it('does not adopt an identical pin made hours ago when the lost attempt made none', async () => {
    const { sandboxUserId, board } = await setup({}, 300);
    // The same pin, posted three hours ago by hand on Pinterest (Pinion owns no delivery for it).
    const token = p!.sandbox!.issueTokens(sandboxUserId, ['boards:read', 'boards:write', 'pins:read', 'pins:write']).access_token;
    const media_source = { source_type: 'image_base64', content_type: 'image/png', data: (await png(400, 300)).toString('base64') };
    const made = await fetch(`${p!.config.platforms.pinterest!.apiBaseUrl}/v5/pins`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ board_id: board.id, title: 'A pin', description: 'Describe it', link: 'https://shop.example/x', media_source }),
    });
    expect(made.status).toBe(201);
    const old = (await made.json()) as { id: string };
    p!.sandbox!.state.pins.get(old.id)!.createdAt = new Date(Date.now() - 3 * 3600_000);
    // Pinion's own attempt then times out before Pinterest makes anything.
    p!.sandbox!.setFaults({ timeoutRate: 1, only: ['POST /v5/pins'], hangMs: 3000 });

    const id = await schedule();
    await waitFor(async () => (await getPost(p!, id)).deliveries[0]!.last_error?.kind === 'unknown_outcome', 'a timed-out attempt');
    p!.sandbox!.setFaults({});
    const [done] = await settled(p!, [id]);
    expect(done!.status).toBe('published');
    expect(done!.deliveries[0]!.external_id).not.toBe(old.id);
    expect(p!.sandbox!.state.pinsOf(sandboxUserId)).toHaveLength(2);
  });
});
