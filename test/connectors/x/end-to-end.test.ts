import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { XSandbox } from '../../../src/sandbox/x/index.js';
import { startTestPinion, type TestPinion } from '../../helpers/pinion.js';
import { connectX, fastX } from '../../helpers/connect-x.js';
import { FAST_SCHEDULER, pinterestAccount, settled, startImageServer, waitFor, type PostJson } from '../../helpers/posts.js';
import { DIALECTS } from '../../helpers/stores.js';
import { fixtures, uploadFile } from '../../media/support.js';

describe.each(DIALECTS)('X end to end through the API on %s', (dialect) => {
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  let x: XSandbox;
  const start = async (options: { sandbox?: Record<string, unknown>; budget?: { limit: number; windowSeconds: number; perDay: number } } = {}) => {
    p = await startTestPinion({
      dialect,
      worker: true,
      sandboxes: { x: { mediaProcessingMs: 100, ...options.sandbox } },
      config: { scheduler: FAST_SCHEDULER, platforms: fastX(options.budget) },
    });
    x = p.sandboxes.get('x') as XSandbox;
  };
  const post = async (body: Record<string, unknown>): Promise<PostJson> => {
    const res = await p.api('POST', '/api/v1/posts', { body });
    expect(res.status, JSON.stringify(await res.clone().json())).toBe(201);
    return (await res.json()) as PostJson;
  };
  const tweets = () => [...x.state.tweets.values()].filter((t) => !t.deletedAt);

  beforeAll(async () => {
    images = await startImageServer();
  });
  afterAll(async () => images?.close());
  afterEach(async () => p?.close());

  it('connects with PKCE, rotates the refresh token on refresh, and publishes text with its link counted as 23', async () => {
    await start();
    const account = await connectX(p, 'shop');
    expect(account.status).toBe('active');
    const before = (await p.store.db.selectFrom('accounts').select('refresh_token').where('id', '=', account.id).executeTakeFirstOrThrow()).refresh_token;
    expect((await p.api('POST', `/api/v1/accounts/${account.id}/refresh`)).status).toBe(200);
    const after = (await p.store.db.selectFrom('accounts').select('refresh_token').where('id', '=', account.id).executeTakeFirstOrThrow()).refresh_token;
    expect(after).not.toBe(before);

    const link = `https://shop.example/aprons/${'very-long-path-'.repeat(10)}`;
    const created = await post({ content: 'New linen aprons are in.', link, platforms: ['x'] });
    const [done] = await settled(p, [created.id]);
    expect(done!.status).toBe('published');
    const d = done!.deliveries[0]!;
    expect(d.url).toMatch(/^https:\/\/x\.com\/shop\/status\/\d+$/);
    expect(tweets()).toHaveLength(1);
    expect(tweets()[0]!.text).toBe(`New linen aprons are in. ${link}`);
  });

  it('publishes images with alt text, a stored video, and a thread in order', async () => {
    await start();
    await connectX(p, 'shop');
    const f = await fixtures();
    const video = (await (await uploadFile(p, f.mp4, 'clip.mp4')).json()) as { id: string };
    const withImages = await post({
      content: 'Two aprons',
      platforms: ['x'],
      platform_options: {
        x: {
          images: [
            { media_url: `${images.url}/good.jpg`, alt_text: 'Blue apron' },
            { media_url: `${images.url}/good.png`, alt_text: 'Red apron' },
          ],
        },
      },
    });
    const withVideo = await post({ content: 'Watch it being dyed', platforms: ['x'], media_id: video.id });
    const long = Array.from({ length: 12 }, (_, i) => `Step ${i + 1} of dyeing linen with indigo takes patience and cold water.`).join(' ');
    const thread = await post({ content: long, platforms: ['x'], platform_options: { x: { thread: true } } });
    const done = await settled(p, [withImages.id, withVideo.id, thread.id], 30_000);
    expect(done.map((d) => `${d.status} ${d.deliveries[0]!.last_error?.message ?? ''}`.trim())).toEqual(['published', 'published', 'published']);

    const byText = (prefix: string) => tweets().find((t) => t.text.startsWith(prefix))!;
    const imageTweet = byText('Two aprons');
    expect(imageTweet.mediaIds).toHaveLength(2);
    expect(imageTweet.mediaIds.map((id) => x.state.media.get(id)!.altText)).toEqual(['Blue apron', 'Red apron']);
    expect(x.state.media.get(byText('Watch it').mediaIds[0]!)!.kind).toBe('video');

    const parts = tweets()
      .filter((t) => t.text.startsWith('Step') || /\d+\/\d+$/.test(t.text))
      .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    expect(parts.length).toBeGreaterThan(1);
    expect(parts[0]!.inReplyToTweetId).toBeNull();
    for (let i = 1; i < parts.length; i++) expect(parts[i]!.inReplyToTweetId).toBe(parts[i - 1]!.id);
    expect(parts.map((t) => t.text.match(/(\d+)\/(\d+)$/)?.[1])).toEqual(parts.map((_, i) => String(i + 1)));
  });

  it('publishes once when X makes the post but the answer is lost, thread parts included', async () => {
    await start({ sandbox: { faults: { dropAfterCommitRate: 1, only: ['POST /2/tweets'], seed: 3 } } });
    await connectX(p, 'shop');
    const posts = await Promise.all(Array.from({ length: 4 }, (_, i) => post({ content: `Lost answer ${i}`, platforms: ['x'] })));
    const thread = await post({
      content: Array.from({ length: 8 }, (_, i) => `Part ${i} is a sentence long enough to need a thread of several parts.`).join(' '),
      platforms: ['x'],
      platform_options: { x: { thread: true } },
    });
    const done = await settled(p, [...posts.map((q) => q.id), thread.id], 40_000);
    expect(done.map((d) => d.status)).toEqual(['published', 'published', 'published', 'published', 'published']);
    expect(done.every((d) => d.deliveries[0]!.adopted)).toBe(true);
    const texts = tweets().map((t) => t.text);
    expect(new Set(texts).size).toBe(texts.length);
    for (let i = 0; i < 4; i++) expect(texts.filter((t) => t === `Lost answer ${i}`)).toHaveLength(1);
  });

  it('keeps within the per-user budget so X never answers 429, however many posts are due at once', async () => {
    // X allows 3 posts a second here; Pinion's budget spaces them at 2 a second.
    await start({ sandbox: { rateLimits: { 'POST /2/tweets': { user: { limit: 3, windowSeconds: 1 } } } }, budget: { limit: 2, windowSeconds: 1, perDay: 0 } });
    await connectX(p, 'shop');
    const posts = await Promise.all(Array.from({ length: 6 }, (_, i) => post({ content: `Budgeted ${i}`, platforms: ['x'] })));
    const done = await settled(
      p,
      posts.map((q) => q.id),
      30_000,
    );
    expect(done.every((d) => d.status === 'published')).toBe(true);
    expect(x.stats().operations['POST /2/tweets']).toBe(6);
    expect(done.every((d) => d.deliveries[0]!.last_error === null)).toBe(true);
  });

  it('publishes one post to Pinterest and X, each delivery with its own state', async () => {
    await start();
    await connectX(p, 'shop');
    await pinterestAccount(p, 'pinshop', 'Products');
    const created = await post({
      content: 'Indigo apron, hand-dyed',
      link: 'https://shop.example/apron',
      media_url: `${images.url}/good.jpg`,
      platforms: ['pinterest', 'x'],
      platform_options: { pinterest: { board: 'Products', title: 'Indigo apron' } },
    });
    const [done] = await settled(p, [created.id]);
    expect(done!.status).toBe('published');
    const byPlatform = Object.fromEntries(done!.deliveries.map((d) => [d.platform, d]));
    expect(byPlatform.pinterest!.url).toMatch(/pinterest\.com\/pin\//);
    expect(byPlatform.x!.url).toMatch(/x\.com\/shop\/status\//);
    expect(tweets()[0]!.text).toBe('Indigo apron, hand-dyed https://shop.example/apron');
    expect(tweets()[0]!.mediaIds).toHaveLength(1);
    await waitFor(async () => p.sandbox!.state.pins.size === 1 || undefined, 'one pin');
  });
});
