import { afterEach, describe, expect, it } from 'vitest';
import { youtubeAccount } from '../../helpers/connect-youtube.js';
import { png } from '../../helpers/media-fixtures.js';
import { startTestPinion, type TestPinion } from '../../helpers/pinion.js';
import { FAST_SCHEDULER, settled } from '../../helpers/posts.js';
import { startMediaServer } from '../../media/support.js';
import { fastYouTube, mp4, sandboxOf, storedMedia } from './support.js';

describe('publishing a video to YouTube through Pinion', () => {
  let p: TestPinion | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  const start = (sandbox: Record<string, unknown> = {}, unitsPerDay?: number) =>
    startTestPinion({
      worker: true,
      sandboxes: { youtube: { processingMs: 300, ...sandbox } },
      config: { scheduler: FAST_SCHEDULER, platforms: fastYouTube({ unitsPerDay }) },
    });

  it('connects a channel, uploads the video in 256 KiB chunks, waits for processing, sets the cover and spends the project units', async () => {
    p = await start();
    const account = await youtubeAccount(p, '@studio');
    expect(account.status).toBe('active');
    const video = await storedMedia(p, mp4(1280, 720, 30_000, 600 * 1024), 'clip.mp4');
    const cover = await storedMedia(p, await png(1280, 720), 'cover.png');
    const res = await p.api('POST', '/api/v1/posts', {
      body: {
        content: 'Behind the scenes\nHow we built the new studio, step by step.',
        media_id: video,
        platforms: ['youtube'],
        platform_options: { youtube: { tags: ['studio', 'behind the scenes'], category_id: '28', privacy_status: 'unlisted', cover_media_id: cover } },
      },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const [post] = await settled(p, [((await res.json()) as { id: string }).id]);
    const delivery = post!.deliveries[0]!;
    expect(delivery.status, JSON.stringify(delivery.last_error)).toBe('published');

    const state = sandboxOf(p).stats();
    expect(state.videos).toHaveLength(1);
    const made = state.videos[0]!;
    expect(delivery.external_id).toBe(made.id);
    expect(delivery.url).toBe(`https://www.youtube.com/watch?v=${made.id}`);
    expect(made).toMatchObject({ title: 'Behind the scenes', privacyStatus: 'unlisted', uploadStatus: 'processed', thumbnail: { mime: 'image/png' } });
    expect(made.description).toBe('Behind the scenes\nHow we built the new studio, step by step.');
    // 600 KiB in chunks of 256 KiB: three PUTs to one session.
    expect(state.sessions).toHaveLength(1);
    expect(state.operations['PUT /upload/youtube/v3/videos']).toBe(3);
    const used = Object.values(state.quota)[0]!.used;
    // videos.insert 1,600 + thumbnails.set 50 + a few videos.list polls of 1; Pinion's own count agrees.
    expect(used).toBeGreaterThanOrEqual(1651);
    const counted = await p.store.db.selectFrom('quota_units').selectAll().execute();
    expect(counted).toHaveLength(1);
    expect(counted[0]!.used).toBe(used - (state.operations['GET /youtube/v3/channels'] ?? 0));
  });

  it('a square or vertical video of at most 3 minutes goes out as a Short: #Shorts in the description, a /shorts/ link', async () => {
    p = await start();
    await youtubeAccount(p, '@shorts');
    const video = await storedMedia(p, mp4(720, 1280, 45_000, 300 * 1024), 'short.mp4');
    const res = await p.api('POST', '/api/v1/posts', { body: { content: 'Quick tip', media_id: video, platforms: ['youtube'] } });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; warnings: Array<{ field: string; message: string }> };
    expect(created.warnings.some((w) => /Short/.test(w.message))).toBe(true);
    const [post] = await settled(p, [created.id]);
    const made = sandboxOf(p).stats().videos[0]!;
    expect(post!.deliveries[0]!.url).toBe(`https://www.youtube.com/shorts/${made.id}`);
    expect(made.description).toBe('Quick tip #Shorts');
  });

  it('a video given by URL is downloaded by Pinion and uploaded the same way; an image URL is refused by validation', async () => {
    p = await start();
    await youtubeAccount(p, '@byurl');
    const bytes = mp4(1280, 720, 10_000, 300 * 1024);
    const files = await startMediaServer({ '/clip.mp4': { type: 'video/mp4', bytes }, '/photo.png': { type: 'image/png', bytes: await png(800, 800) } });
    try {
      const res = await p.api('POST', '/api/v1/posts', { body: { content: 'From a URL', media_url: `${files.url}/clip.mp4`, platforms: ['youtube'] } });
      expect(res.status, await res.clone().text()).toBe(201);
      const [post] = await settled(p, [((await res.json()) as { id: string }).id]);
      expect(post!.deliveries[0]!.status, JSON.stringify(post!.deliveries[0]!.last_error)).toBe('published');
      expect(sandboxOf(p).stats().videos[0]!.size).toBe(bytes.length);
      // POST /posts takes it and the background media preflight sets it aside (test/posts/media-preflight.test.ts); validate says so at once.
      const image = await p.api('POST', '/api/v1/posts:validate', {
        body: { content: 'A photo', media_url: `${files.url}/photo.png`, platforms: ['youtube'] },
      });
      expect(image.status).toBe(200);
      const checked = await image.json();
      expect(checked.valid).toBe(false);
      expect(checked.errors).toContainEqual({ field: 'media_url', message: expect.stringMatching(/YouTube takes video/) });
    } finally {
      await files.close();
    }
  });

  it('refuses an image-only post at validation, naming the field and what to do', async () => {
    p = await start();
    await youtubeAccount(p, '@images');
    const image = await storedMedia(p, await png(1000, 1000), 'photo.png');
    const res = await p.api('POST', '/api/v1/posts', { body: { content: 'A photo', media_id: image, platforms: ['youtube'] } });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const text = await res.text();
    expect(text).toContain('media_id');
    expect(text).toMatch(/YouTube takes videos only/);
    const none = await p.api('POST', '/api/v1/posts', { body: { content: 'Just words', platforms: ['youtube'] } });
    expect(none.status).toBe(422);
    expect(await none.text()).toMatch(/YouTube needs a video/);
    expect(sandboxOf(p).stats().sessions).toHaveLength(0);
  });

  it('a title from the first line is fitted to 100 characters; a given title over 100 is refused', async () => {
    p = await start();
    await youtubeAccount(p, '@titles');
    const video = await storedMedia(p, mp4(1280, 720, 10_000, 300 * 1024), 'clip.mp4');
    const long = `${'A fairly long first line that goes on '.repeat(4)}and on.`;
    const validated = await p.api('POST', '/api/v1/posts:validate', { body: { content: `${long}\nBody`, media_id: video, platforms: ['youtube'] } });
    const v = (await validated.json()) as { deliveries: Array<{ payload: { video: { snippet: { title: string } } }; warnings: Array<{ message: string }> }> };
    expect([...v.deliveries[0]!.payload.video.snippet.title].length).toBeLessThanOrEqual(100);
    expect(v.deliveries[0]!.warnings.some((w) => /fitted to YouTube's 100/.test(w.message))).toBe(true);
    const refused = await p.api('POST', '/api/v1/posts', {
      body: { content: 'x', media_id: video, platforms: ['youtube'], platform_options: { youtube: { title: 'T'.repeat(101) } } },
    });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('platform_options.youtube.title');
  });

  it("failed processing fails the delivery with YouTube's reason", async () => {
    p = await start({ processing: { outcome: 'failed', failureReason: 'codec' } });
    await youtubeAccount(p, '@broken');
    const video = await storedMedia(p, mp4(1280, 720, 10_000, 300 * 1024), 'bad.mp4');
    const res = await p.api('POST', '/api/v1/posts', { body: { content: 'Will not play', media_id: video, platforms: ['youtube'] } });
    const [post] = await settled(p, [((await res.json()) as { id: string }).id]);
    const delivery = post!.deliveries[0]!;
    expect(delivery.status).toBe('failed');
    expect(delivery.last_error).toMatchObject({ kind: 'rejected' });
    expect(delivery.last_error!.message).toContain('failureReason codec');
    expect(sandboxOf(p).stats().videos).toHaveLength(1);
  });
});
