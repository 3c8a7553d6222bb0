import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { FAST_SCHEDULER, fastPinterest, getPost, pinterestAccount, settled } from '../helpers/posts.js';
import { fixtures, uploadFile, type MediaJson } from '../media/support.js';

/** Every file under a folder, for finding where the store keeps an upload. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe.each(DIALECTS)('pins from media uploaded to Pinion on %s', (dialect) => {
  let p: TestPinion | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });
  async function setup() {
    p = await startTestPinion({
      dialect,
      worker: true,
      sandbox: { mediaProcessingMs: 200 },
      config: { scheduler: FAST_SCHEDULER, platforms: fastPinterest() },
    });
    return pinterestAccount(p);
  }
  const upload = async (bytes: Buffer, name: string) => (await (await uploadFile(p!, bytes, name)).json()) as MediaJson;
  const schedule = async (body: Record<string, unknown>) => {
    const res = await p!.api('POST', '/api/v1/posts', { body: { content: 'From Pinion media', platforms: ['pinterest'], ...body } });
    return { status: res.status, json: await res.json() };
  };

  it('sends an uploaded image as base64, so the media folder never has to be public', async () => {
    const { sandboxUserId } = await setup();
    const image = await upload((await fixtures()).jpeg, 'apron.jpg');
    const { status, json } = await schedule({ media_id: image.id, platform_options: { pinterest: { board: 'Products', title: 'Uploaded' } } });
    expect(status).toBe(201);
    expect(json.deliveries[0].payload.media_source).toEqual({ source_type: 'image_base64', content_type: 'image/jpeg', data: `pinion-media:${image.id}` });
    const [done] = await settled(p!, [json.id]);
    expect(done!.status).toBe('published');
    const pin = p!.sandbox!.state.pins.get(done!.deliveries[0]!.external_id!)!;
    expect(pin.items[0]!.image.width).toBe(1000);
    expect(pin.items[0]!.image.height).toBe(1500);
    expect(pinsCount(sandboxUserId)).toBe(1);
  });

  it('publishes a video pin through register, upload, processing and create, with a key-frame cover', async () => {
    const { sandboxUserId } = await setup();
    const video = await upload((await fixtures()).mp4, 'clip.mp4');
    expect(video).toMatchObject({ kind: 'video', duration_ms: 3000 });
    const { json } = await schedule({ media_id: video.id, platform_options: { pinterest: { board: 'Products', title: 'Clip', cover_key_frame_time: 1 } } });
    expect(json.deliveries[0].payload.media_source).toEqual({ source_type: 'video_id', media_id: `pinion-media:${video.id}`, cover_image_key_frame_time: 1 });
    const [done] = await settled(p!, [json.id]);
    expect(done!.status).toBe('published');
    const pin = p!.sandbox!.state.pins.get(done!.deliveries[0]!.external_id!)!;
    expect(pin.creativeType).toBe('VIDEO');
    const media = p!.sandbox!.state.media.get(pin.videoMediaId!)!;
    expect(media.bytes!.equals((await fixtures()).mp4)).toBe(true);
    const ops = p!.sandbox!.stats().users[sandboxUserId]!.operations;
    expect(ops['POST /v5/media']).toBe(1);
    expect(ops['GET /v5/media/{media_id}']).toBeGreaterThanOrEqual(1);
  });

  it('refuses a video pin without a cover when the post is made, naming the field, and stores nothing', async () => {
    await setup();
    const video = await upload((await fixtures()).mp4, 'clip.mp4');
    const refused = await schedule({ media_id: video.id, platform_options: { pinterest: { board: 'Products', title: 'No cover' } } });
    expect(refused.status).toBe(422);
    expect(refused.json.errors).toContainEqual({
      field: 'platform_options.pinterest.cover_image_url',
      message: expect.stringMatching(/needs a cover: give cover_image_url, cover_media_id or cover_key_frame_time/),
    });
    const listed = await (await p!.api('GET', '/api/v1/posts')).json();
    expect(listed.data).toHaveLength(0);
  });

  it("fails the delivery with Pinterest's reason when the video cannot be processed", async () => {
    await setup();
    const video = await upload((await fixtures()).mp4, 'clip.mp4');
    const { json } = await schedule({
      media_id: video.id,
      scheduled_at: new Date(Date.now() + 1500).toISOString(),
      platform_options: { pinterest: { board: 'Products', cover_key_frame_time: 0 } },
    });
    // The stored file is damaged before the post is due (a disk fault, a bad restore).
    const file = filesUnder(p!.config.mediaDir).find((f) => f.endsWith(video.sha256))!;
    writeFileSync(file, Buffer.from('not a video any more'));
    const [done] = await settled(p!, [json.id]);
    expect(done!.status).toBe('failed');
    expect(done!.deliveries[0]!.last_error).toMatchObject({ kind: 'rejected', message: expect.stringMatching(/Pinterest could not process the video/) });
  });

  it('builds a carousel from uploaded images and refuses formats Pinterest will not take as uploads', async () => {
    await setup();
    const f = await fixtures();
    const [a, b] = [await upload(f.jpeg, 'a.jpg'), await upload(f.transparentPng, 'b.png')];
    const { json } = await schedule({
      platform_options: {
        pinterest: {
          board: 'Products',
          carousel: [
            { media_id: a.id, title: 'A' },
            { media_id: b.id, title: 'B' },
          ],
        },
      },
    });
    expect(json.deliveries[0].payload.media_source.source_type).toBe('multiple_image_base64');
    const [done] = await settled(p!, [json.id]);
    expect(done!.status).toBe('published');
    expect(p!.sandbox!.state.pins.get(done!.deliveries[0]!.external_id!)!.creativeType).toBe('CAROUSEL');

    const webp = await upload(f.webp, 'w.webp');
    const refused = await schedule({ media_id: webp.id, platform_options: { pinterest: { board: 'Products' } } });
    expect(refused.status).toBe(422);
    expect(refused.json.errors[0]).toMatchObject({ field: 'media_id', message: expect.stringMatching(/image\/webp.*convert it first/) });
    const converted = (await (await p!.api('POST', `/api/v1/media/${webp.id}/convert`, { body: { target: 'pinterest', crop: true } })).json()) as MediaJson;
    const ok = await schedule({ media_id: converted.id, platform_options: { pinterest: { board: 'Products' } } });
    expect(ok.status).toBe(201);
    const unknown = await schedule({ media_id: 'med_nope', platform_options: { pinterest: { board: 'Products' } } });
    expect(unknown.json.errors[0]).toEqual({ field: 'media_id', message: 'no media med_nope in this workspace' });
    expect((await getPost(p!, ok.json.id)).deliveries[0]!.payload).toBeDefined();
  });

  it('converts uploaded images for Pinterest when the workspace says so', async () => {
    await setup();
    const patched = await p!.api('PATCH', '/api/v1/workspace', { body: { settings: { media: { convert: { pinterest: { crop: true } } } } } });
    expect(patched.status).toBe(200);
    const webp = await upload((await fixtures()).webp, 'wide.webp');
    const { status, json } = await schedule({ media_id: webp.id, platform_options: { pinterest: { board: 'Products' } } });
    expect(status).toBe(201);
    const note = json.warnings.find((w: { field: string }) => w.field === 'media_id');
    expect(note.message).toMatch(new RegExp(`${webp.id} \\(image/webp, 1200×800\\) was converted .*\\(image/jpeg, 1000×1500\\)`));
    const used = json.request.media_id as string;
    expect(used).not.toBe(webp.id);
    expect(json.deliveries[0].payload.media_source).toEqual({ source_type: 'image_base64', content_type: 'image/jpeg', data: `pinion-media:${used}` });
    const [done] = await settled(p!, [json.id]);
    const pin = p!.sandbox!.state.pins.get(done!.deliveries[0]!.external_id!)!;
    expect([pin.items[0]!.image.width, pin.items[0]!.image.height]).toEqual([1000, 1500]);
  });

  it('deletes media only when no waiting post uses it, and its bytes once no workspace holds them', async () => {
    await setup();
    const bytes = (await fixtures()).jpeg;
    const image = await upload(bytes, 'apron.jpg');
    const otherKey = await p!.newKey('other-shop');
    const theirs = (await (await uploadFile(p!, bytes, 'same.jpg', { key: otherKey })).json()) as MediaJson;
    const later = new Date(Date.now() + 3600_000).toISOString();
    const { json: post } = await schedule({ media_id: image.id, scheduled_at: later, platform_options: { pinterest: { board: 'Products' } } });

    const busy = await p!.api('DELETE', `/api/v1/media/${image.id}`);
    expect(busy.status).toBe(409);
    expect(busy.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await busy.json()).errors).toEqual([{ field: 'id', message: `is used by posts not yet published (${post.id}); cancel or change them first` }]);
    expect((await p!.api('GET', `/api/v1/media/${image.id}`)).status).toBe(200);
    expect((await p!.api('DELETE', `/api/v1/media/${image.id}`, { key: otherKey })).status).toBe(404);

    expect((await p!.api('POST', `/api/v1/posts/${post.id}/cancel`)).status).toBe(200);
    expect((await p!.api('DELETE', `/api/v1/media/${image.id}`)).status).toBe(204);
    expect((await p!.api('GET', `/api/v1/media/${image.id}`)).status).toBe(404);
    expect((await p!.api('DELETE', `/api/v1/media/${image.id}`)).status).toBe(404);
    const reuse = await schedule({ media_id: image.id, platform_options: { pinterest: { board: 'Products' } } });
    expect(reuse.status).toBe(422);
    // The other workspace's copy shares the bytes: they stay until it is deleted too.
    expect(filesUnder(p!.config.mediaDir)).toHaveLength(1);
    expect(Buffer.from(await (await p!.api('GET', `/api/v1/media/${theirs.id}/content`, { key: otherKey })).arrayBuffer()).equals(bytes)).toBe(true);
    expect((await p!.api('DELETE', `/api/v1/media/${theirs.id}`, { key: otherKey })).status).toBe(204);
    expect(filesUnder(p!.config.mediaDir)).toHaveLength(0);
  });

  const pinsCount = (userId: string) => p!.sandbox!.state.pinsOf(userId).length;
});
