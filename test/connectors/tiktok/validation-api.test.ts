import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPinion } from '../../helpers/pinion.js';
import { tiktokAccount } from '../../helpers/tiktok.js';
import { fixtures, uploadFile, type MediaJson } from '../../media/support.js';
import { mp4, startTikTokPinion, uploadVideo } from './support.js';

type Problem = { status: number; errors: Array<{ field: string; message: string }>; warnings?: Array<{ field: string; message: string }> };

describe('TikTok posts are checked against what the creator may post, at validation time', () => {
  let p: TestPinion;
  let video: { id: string };
  let sandbox: Awaited<ReturnType<typeof tiktokAccount>>['sandbox'];
  let openId: string;
  beforeAll(async () => {
    p = await startTikTokPinion();
    // A creator whose account offers only friends and private, with duets off, and 60-second videos.
    const made = await tiktokAccount(p, 'quiet', {
      privacyLevelOptions: ['MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
      duetDisabled: true,
      maxVideoPostDurationSec: 60,
    });
    sandbox = made.sandbox;
    openId = made.user.openId;
    video = await uploadVideo(p, mp4({ durationMs: 20_000 }));
  });
  afterAll(() => p.close());

  const post = async (body: Record<string, unknown>) => {
    const res = await p.api('POST', '/api/v1/posts', { body: { platforms: ['tiktok'], ...body } });
    return { status: res.status, type: res.headers.get('content-type'), json: (await res.json()) as Problem & { id?: string } };
  };
  const initCalls = () => sandbox.stats().users[openId]!.operations['POST /v2/post/publish/video/init/'] ?? 0;
  const storedPosts = async () => ((await (await p.api('GET', '/api/v1/posts')).json()) as { data: unknown[] }).data.length;

  it('refuses a privacy level the creator does not offer with a 422 naming the field and the levels offered; nothing is stored or sent', async () => {
    const { status, type, json } = await post({ content: 'hi', media_id: video.id, platform_options: { tiktok: { privacy_level: 'PUBLIC_TO_EVERYONE' } } });
    expect(status).toBe(422);
    expect(type).toContain('application/problem+json');
    expect(json.errors).toContainEqual({
      field: 'platform_options.tiktok.privacy_level',
      message: expect.stringMatching(/PUBLIC_TO_EVERYONE is not offered by @quiet.*MUTUAL_FOLLOW_FRIENDS, SELF_ONLY/),
    });
    expect(await storedPosts()).toBe(0);
    expect(initCalls()).toBe(0);
  });

  it('asks for the privacy level when none is given (TikTok wants it chosen, never defaulted)', async () => {
    const { status, json } = await post({ media_id: video.id });
    expect(status).toBe(422);
    expect(json.errors).toContainEqual({ field: 'platform_options.tiktok.privacy_level', message: expect.stringContaining('is required') });
  });

  it('refuses duets when the creator turned them off, and a video longer than the creator may post', async () => {
    const long = await uploadVideo(p, mp4({ durationMs: 90_000, bytes: 150_000 }));
    const { status, json } = await post({ media_id: long.id, platform_options: { tiktok: { privacy_level: 'SELF_ONLY', allow_duet: true } } });
    expect(status).toBe(422);
    expect(json.errors).toContainEqual({ field: 'platform_options.tiktok.allow_duet', message: expect.stringContaining('duets turned off') });
    expect(json.errors).toContainEqual({ field: 'media_id', message: expect.stringContaining('up to 60 s') });
  });

  it('refuses an image-only post unless photo mode is chosen, saying what to do', async () => {
    const image = (await (await uploadFile(p, (await fixtures()).jpeg, 'a.jpg')).json()) as MediaJson;
    const { status, json } = await post({ media_id: image.id, platform_options: { tiktok: { privacy_level: 'SELF_ONLY' } } });
    expect(status).toBe(422);
    expect(json.errors).toContainEqual({ field: 'media_id', message: expect.stringMatching(/is an image; TikTok posts need a video .*photo_mode: true/) });
    const none = await post({ content: 'text only', platform_options: { tiktok: { privacy_level: 'SELF_ONLY' } } });
    expect(none.status).toBe(422);
    expect(none.json.errors).toContainEqual({ field: 'media_id', message: expect.stringContaining('is missing: TikTok posts need a video') });
  });

  it('refuses stored images for photo posts (TikTok pulls photos from verified URLs only) and PNG photo URLs', async () => {
    const image = (await (await uploadFile(p, (await fixtures()).jpeg, 'a.jpg')).json()) as MediaJson;
    const stored = await post({ media_id: image.id, platform_options: { tiktok: { privacy_level: 'SELF_ONLY', photo_mode: true } } });
    expect(stored.status).toBe(422);
    expect(stored.json.errors).toContainEqual({ field: 'media_id', message: expect.stringContaining('cannot be used for a photo post') });
    const png = await post({ platform_options: { tiktok: { privacy_level: 'SELF_ONLY', photo_mode: true, photo_images: ['https://cdn.example.com/a.png'] } } });
    expect(png.json.errors).toContainEqual({ field: 'platform_options.tiktok.photo_images.0', message: expect.stringContaining('JPEG or WebP') });
  });

  it('fits a post-wide caption to 2,200 characters as an adaptation, and refuses it when the post is strict', async () => {
    const content = `${'A sentence that goes on. '.repeat(100)}#tiktok`;
    const ok = await post({
      content,
      media_id: video.id,
      scheduled_at: new Date(Date.now() + 3_600_000).toISOString(),
      platform_options: { tiktok: { privacy_level: 'SELF_ONLY' } },
    });
    expect(ok.status).toBe(201);
    expect(ok.json.warnings).toContainEqual({ field: 'content', message: expect.stringContaining("of TikTok's 2200 characters") });
    const strict = await post({ content, strict: true, media_id: video.id, platform_options: { tiktok: { privacy_level: 'SELF_ONLY' } } });
    expect(strict.status).toBe(422);
    await p.api('DELETE', `/api/v1/posts/${ok.json.id}`);
  });

  it('asks TikTok for creator info once for several validations in a row (kept briefly)', async () => {
    const before = sandbox.stats().users[openId]!.operations['POST /v2/post/publish/creator_info/query/'] ?? 0;
    for (let i = 0; i < 3; i++)
      await p.api('POST', '/api/v1/posts:validate', {
        body: { platforms: ['tiktok'], media_id: video.id, platform_options: { tiktok: { privacy_level: 'SELF_ONLY' } } },
      });
    expect(sandbox.stats().users[openId]!.operations['POST /v2/post/publish/creator_info/query/'] ?? 0).toBe(before);
  });
});
