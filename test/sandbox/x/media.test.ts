import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock.js';
import { fakeMp4, jpeg, png, startSandbox, userClient } from './support.js';

const clock = new ManualClock();
let sandbox: Awaited<ReturnType<typeof startSandbox>>;

beforeAll(async () => {
  sandbox = await startSandbox({ clock, mediaProcessingMs: 10_000 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.sandbox.reset());

const status = async (client: ReturnType<typeof userClient>['client'], id: string) =>
  (await client.call('GET', `/2/media/upload?media_id=${id}&command=STATUS`)).body.data;

describe('one-shot image upload', () => {
  it('takes a multipart image, answers its size and dimensions, and the image can be posted at once', async () => {
    const { client } = userClient(sandbox.sandbox, sandbox.url);
    const bytes = await jpeg(640, 480);
    const uploaded = await client.form('/2/media/upload', { media_category: 'tweet_image', media: bytes });
    expect(uploaded.status).toBe(200);
    const { id } = uploaded.body.data;
    expect(uploaded.body.data).toEqual({
      id,
      media_key: `3_${id}`,
      size: bytes.length,
      expires_after_secs: 86_400,
      image: { image_type: 'image/jpeg', w: 640, h: 480 },
    });
    const post = await client.call('POST', '/2/tweets', { text: 'with a picture', media: { media_ids: [id] } });
    expect(post.status).toBe(201);
    const view = await client.call('GET', `/2/tweets/${post.body.data.id}?tweet.fields=attachments`);
    expect(view.body.data.attachments).toEqual({ media_keys: [`3_${id}`] });
  });

  it('also takes JSON with base64 media, as the spec allows', async () => {
    const { client } = userClient(sandbox.sandbox, sandbox.url);
    const bytes = await png(30, 20);
    const uploaded = await client.call('POST', '/2/media/upload', { media_category: 'tweet_image', media: bytes.toString('base64') });
    expect(uploaded.status).toBe(200);
    expect(uploaded.body.data.image).toEqual({ image_type: 'image/png', w: 30, h: 20 });
    expect((await client.call('POST', '/2/media/upload', { media_category: 'tweet_image', media: 'not base64!' })).status).toBe(400);
  });

  it('refuses bytes that are not an image, images over 5 MB, and video categories', async () => {
    const { client } = userClient(sandbox.sandbox, sandbox.url);
    const broken = await client.form('/2/media/upload', { media_category: 'tweet_image', media: Buffer.from('not an image at all') });
    expect(broken.status).toBe(400);
    const big = await client.form('/2/media/upload', { media_category: 'tweet_image', media: Buffer.alloc(5 * 1024 * 1024 + 1) });
    expect(big.status).toBe(400);
    expect(big.body.errors[0].message).toMatch(/at most 5242880 bytes/);
    expect((await client.form('/2/media/upload', { media_category: 'tweet_video', media: fakeMp4() })).status).toBe(400);
    expect(sandbox.sandbox.state.media.size).toBe(0);
  });
});

describe('chunked upload', () => {
  it('processes a video pending → in_progress → succeeded; it cannot be posted before', async () => {
    const { client } = userClient(sandbox.sandbox, sandbox.url);
    const video = fakeMp4(200_000);
    const { id, finalize } = await client.uploadChunked(video, 'video/mp4', 'tweet_video', 64 * 1024);
    expect(finalize.status).toBe(200);
    expect(finalize.body.data).toMatchObject({ id, media_key: `7_${id}`, size: video.length, processing_info: { state: 'pending', check_after_secs: 10 } });

    const early = await client.call('POST', '/2/tweets', { text: 'too soon', media: { media_ids: [id] } });
    expect(early.status).toBe(400);
    expect(early.body.errors[0]).toEqual({ parameters: { 'media.media_ids': [id] }, message: 'Your media IDs are invalid.' });
    expect(early.body.errors[1].message).toMatch(/not ready \(pending\)/);

    await clock.advance(5_000);
    expect((await status(client, id)).processing_info).toEqual({ state: 'in_progress', check_after_secs: 5, progress_percent: 50 });
    await clock.advance(5_000);
    expect((await status(client, id)).processing_info.state).toBe('succeeded');
    expect((await client.call('POST', '/2/tweets', { text: 'video', media: { media_ids: [id] } })).status).toBe(201);
  });

  it('processes an animated GIF uploaded in chunks as tweet_gif, keyed 16_', async () => {
    const { client } = userClient(sandbox.sandbox, sandbox.url);
    const gif = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 0, g: 200, b: 0 } } })
      .gif()
      .toBuffer();
    const { id, finalize } = await client.uploadChunked(gif, 'image/gif', 'tweet_gif', 100);
    expect(finalize.body.data).toMatchObject({ media_key: `16_${id}`, processing_info: { state: 'pending' } });
    await clock.advance(10_000);
    expect((await status(client, id)).processing_info.state).toBe('succeeded');
    expect((await client.call('POST', '/2/tweets', { text: 'gif', media: { media_ids: [id] } })).status).toBe(201);
  });

  it('fails a "video" whose bytes are not MP4/QuickTime', async () => {
    const { client } = userClient(sandbox.sandbox, sandbox.url);
    const { id, finalize } = await client.uploadChunked(Buffer.alloc(3000, 7), 'video/mp4', 'tweet_video', 1000);
    expect(finalize.body.data.processing_info.state).toBe('pending');
    await clock.advance(10_000);
    expect((await status(client, id)).processing_info.state).toBe('failed');
    expect((await client.call('POST', '/2/tweets', { text: 'broken video', media: { media_ids: [id] } })).status).toBe(400);
    const inspected = (await (await fetch(`${sandbox.url}/_sandbox/media`)).json()) as { items: Array<{ state: string; failure_reason: string }> };
    expect(inspected.items[0]).toMatchObject({ state: 'failed', failure_reason: expect.stringContaining('ftyp') });
  });

  it('checks segments and sizes: index 0..999, total_bytes must match at finalize, limits per kind', async () => {
    const { client } = userClient(sandbox.sandbox, sandbox.url);
    const init = await client.call('POST', '/2/media/upload/initialize', { media_type: 'video/mp4', total_bytes: 100, media_category: 'tweet_video' });
    const id = init.body.data.id;
    expect(init.body.data).toEqual({ id, media_key: `7_${id}`, expires_after_secs: 86_400 });
    expect((await client.form(`/2/media/upload/${id}/append`, { segment_index: '1000', media: Buffer.alloc(10) })).status).toBe(400);
    const appended = await client.form(`/2/media/upload/${id}/append`, { segment_index: '0', media: fakeMp4(10) });
    expect(appended.body).toEqual({ data: { expires_at: expect.any(Number) } });
    const mismatch = await client.call('POST', `/2/media/upload/${id}/finalize`);
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.errors[0].message).toMatch(/total_bytes was 100 .* 34 bytes/);

    const tooBig = await client.call('POST', '/2/media/upload/initialize', { media_type: 'image/png', total_bytes: 6 * 1024 * 1024 });
    expect(tooBig.status).toBe(400);
    expect((await client.call('POST', '/2/media/upload/initialize', { media_type: 'video/mp4', total_bytes: 512 * 1024 * 1024 + 1 })).status).toBe(400);
    expect((await client.call('POST', '/2/media/upload/initialize', { media_type: 'video/mp4', total_bytes: 10, media_category: 'tweet_image' })).status).toBe(
      400,
    );
  });

  it('posts up to four images, or one video alone; someone else’s media is refused', async () => {
    const { client } = userClient(sandbox.sandbox, sandbox.url);
    const images: string[] = [];
    for (let i = 0; i < 4; i++) images.push((await client.uploadChunked(await png(50 + i, 50), 'image/png', 'tweet_image')).id);
    expect((await client.call('POST', '/2/tweets', { text: 'four', media: { media_ids: images } })).status).toBe(201);
    const video = (await client.uploadChunked(fakeMp4(), 'video/mp4', 'tweet_video')).id;
    await clock.advance(10_000);
    expect((await client.call('POST', '/2/tweets', { text: 'mixed', media: { media_ids: [images[0], video] } })).status).toBe(400);
    const other = userClient(sandbox.sandbox, sandbox.url).client;
    expect((await other.call('POST', '/2/tweets', { text: 'not mine', media: { media_ids: [video] } })).status).toBe(400);
    expect((await other.call('GET', `/2/media/upload?media_id=${video}`)).status).toBe(404);
  });
});

describe('POST /2/media/metadata', () => {
  it('stores alt text up to 1000 characters', async () => {
    const { client } = userClient(sandbox.sandbox, sandbox.url);
    const id = (await client.form('/2/media/upload', { media_category: 'tweet_image', media: await png(20, 20) })).body.data.id;
    const ok = await client.call('POST', '/2/media/metadata', { id, metadata: { alt_text: { text: 'A red square' } } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ data: { id, associated_metadata: { alt_text: { text: 'A red square' } } } });
    expect((await client.call('POST', '/2/media/metadata', { id, metadata: { alt_text: { text: 'x'.repeat(1001) } } })).status).toBe(400);
    expect(sandbox.sandbox.state.media.get(id)?.altText).toBe('A red square');
    expect((await client.call('POST', '/2/media/metadata', { id: '1', metadata: { alt_text: { text: 'nope' } } })).status).toBe(404);
  });
});
