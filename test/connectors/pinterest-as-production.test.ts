import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { PinterestSandboxOptions } from '../../src/sandbox/pinterest/index.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { FAST_SCHEDULER, fastPinterest, getPost, pinterestAccount, settled, startImageServer, waitFor } from '../helpers/posts.js';
import { jpeg } from '../sandbox/pinterest/support.js';

/** An image host that fails Pinterest's fetches while `failures` lasts, then serves the image. */
async function flakyImageHost() {
  const bytes = await jpeg(800, 1200);
  const host = { failures: 0, requests: 0, url: '', close: async () => {} };
  const server: Server = createServer((_req, res) => {
    host.requests++;
    if (host.failures > 0) {
      host.failures--;
      res.writeHead(503).end('busy');
      return;
    }
    res.writeHead(200, { 'content-type': 'image/jpeg' }).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  host.close = () => new Promise((resolve) => server.close(() => resolve()));
  return host;
}

/** Pinion against the sandbox as production behaves by default: its rate-limit headers, spam blocks and image fetches. */
describe('publishing to Pinterest as production answers', () => {
  let p: TestPinion | undefined;
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await p?.close();
    p = undefined;
    for (const close of closers.splice(0)) await close();
  });

  async function setup(sandbox: PinterestSandboxOptions, budget: Parameters<typeof fastPinterest>[0] = {}) {
    p = await startTestPinion({ worker: true, sandbox, config: { scheduler: FAST_SCHEDULER, platforms: fastPinterest(budget) } });
    return pinterestAccount(p);
  }
  const schedule = async (mediaUrl: string, title: string, at?: Date) => {
    const body = {
      content: 'Describe it',
      platforms: ['pinterest'],
      media_url: mediaUrl,
      platform_options: { pinterest: { board: 'Products', title } },
      ...(at && { scheduled_at: at.toISOString() }),
    };
    const res = await p!.api('POST', '/api/v1/posts', { body });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const createCalls = () => p!.sandbox!.stats().operations['POST /v5/pins'] ?? 0;

  it('after a 429 from the per-minute window waits that window out, not the 1 s reset of the per-second one', async () => {
    const images = await startImageServer();
    closers.push(images.close);
    // Two writes per 4 s window (the board takes one); Pinion's own budget would allow far more, so Pinterest says 429.
    await setup({ rateLimits: { org_write: { limit: 2, windowSeconds: 4 } } }, { limit: 50, windowSeconds: 1 });
    const ids = [await schedule(`${images.url}/good.jpg`, 'First'), await schedule(`${images.url}/good.jpg`, 'Second')];
    const done = await settled(p!, ids);
    expect(done.map((d) => d.status)).toEqual(['published', 'published']);
    // One create, one refused, one after the window: a client that trusted the 1 s reset would have called every second.
    expect(createCalls()).toBe(3);
    expect(Math.max(...done.map((d) => d.deliveries[0]!.attempts))).toBe(1);
  });

  it('leaves the account alone for a long while after a spam block (429 code 9), without spending attempts', async () => {
    const images = await startImageServer();
    closers.push(images.close);
    await setup({ faults: { spamBlockRate: 1, only: ['POST /v5/pins'] } });
    const started = Date.now();
    const id = await schedule(`${images.url}/good.jpg`, 'Blocked');
    const post = await waitFor(async () => {
      const got = await getPost(p!, id);
      return got.deliveries[0]!.last_error?.kind === 'rate_limited' && got;
    }, 'the spam block to be recorded');
    expect(post.deliveries[0]!.last_error!.message).toMatch(/code 9.*spam/);
    expect(post.deliveries[0]!.status).toBe('scheduled');
    expect(post.deliveries[0]!.attempts).toBe(0);
    const row = await p!.store.db.selectFrom('deliveries').select('run_at').executeTakeFirstOrThrow();
    expect(row.run_at - started).toBeGreaterThanOrEqual(14 * 60_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(createCalls()).toBe(1);
  });

  it('retries a pin whose image Pinterest could not fetch (code 1) and publishes it once', async () => {
    const host = await flakyImageHost();
    closers.push(host.close);
    const { sandboxUserId } = await setup({});
    const id = await schedule(`${host.url}/apron.jpg`, 'Flaky', new Date(Date.now() + 1500));
    // Pinion's media preflight checks the image soon after the post is made; then Pinterest's first fetch of it fails.
    await waitFor(async () => host.requests >= 1, "Pinion's check of the image");
    host.failures = 1;
    const [done] = await settled(p!, [id]);
    expect(done!.status).toBe('published');
    expect(done!.deliveries[0]!.attempts).toBe(1);
    expect(createCalls()).toBe(2);
    expect(p!.sandbox!.state.pinsOf(sandboxUserId)).toHaveLength(1);
  });

  it('gives up after three tries when Pinterest never can fetch the image, naming what to check', async () => {
    const host = await flakyImageHost();
    closers.push(host.close);
    const { sandboxUserId } = await setup({});
    const id = await schedule(`${host.url}/apron.jpg`, 'Unreachable', new Date(Date.now() + 1500));
    host.failures = Number.POSITIVE_INFINITY;
    const [done] = await settled(p!, [id]);
    expect(done!.status).toBe('failed');
    expect(done!.deliveries[0]!.last_error).toMatchObject({ kind: 'rejected', message: expect.stringMatching(/could not fetch the image.*tried 3 times/) });
    expect(createCalls()).toBe(3);
    expect(p!.sandbox!.state.pinsOf(sandboxUserId)).toHaveLength(0);
  });
});
