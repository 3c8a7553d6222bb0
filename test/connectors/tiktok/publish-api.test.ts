import { afterEach, describe, expect, it } from 'vitest';
import type { TestPinion } from '../../helpers/pinion.js';
import { getPost, settled, waitFor } from '../../helpers/posts.js';
import { tiktokAccount } from '../../helpers/tiktok.js';
import { mediaConfig, startMediaServer } from '../../media/support.js';
import { jpeg, mp4, startTikTokPinion, uploadVideo } from './support.js';

const MB = 1024 * 1024;

describe('publishing to TikTok through the API', () => {
  let p: TestPinion | undefined;
  let server: Awaited<ReturnType<typeof startMediaServer>> | undefined;
  afterEach(async () => {
    await p?.close();
    await server?.close();
    p = undefined;
    server = undefined;
  });

  const schedule = async (body: Record<string, unknown>) => {
    const res = await p!.api('POST', '/api/v1/posts', { body: { platforms: ['tiktok'], ...body } });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };

  it('connects with PKCE (hex challenge) and publishes a 16 MB video in three chunks, polling status until PUBLISH_COMPLETE', async () => {
    p = await startTikTokPinion();
    const { user, sandbox } = await tiktokAccount(p);
    const bytes = mp4({ bytes: 16 * MB });
    const video = await uploadVideo(p, bytes);
    const { status, json } = await schedule({
      content: 'Behind the scenes #making',
      media_id: video.id,
      platform_options: { tiktok: { privacy_level: 'PUBLIC_TO_EVERYONE', allow_comment: true } },
    });
    expect(status).toBe(201);
    expect(json.deliveries[0].payload).toMatchObject({ kind: 'video', mode: 'direct', video: { source: 'FILE_UPLOAD', media: `pinion-media:${video.id}` } });
    const [done] = await settled(p, [json.id]);
    expect(done!.status).toBe('published');
    const posts = sandbox.state.postsOf(user.openId);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ kind: 'video', title: 'Behind the scenes #making', privacyLevel: 'PUBLIC_TO_EVERYONE', bytes: bytes.length });
    expect(done!.deliveries[0]).toMatchObject({ external_id: posts[0]!.id, url: `https://www.tiktok.com/@maker/video/${posts[0]!.id}` });
    const publish = [...sandbox.state.publishes.values()][0]!;
    expect(publish.upload).toMatchObject({ chunkSize: 5 * MB, totalChunks: 3, receivedBytes: bytes.length });
    expect(publish.postInfo).toMatchObject({ disable_comment: false, disable_duet: true, disable_stitch: true });
    const ops = sandbox.stats().operations;
    expect(ops['PUT /upload/']).toBe(3);
    expect(ops['POST /v2/post/publish/video/init/']).toBe(1);
    expect(ops['POST /v2/post/publish/status/fetch/']).toBeGreaterThanOrEqual(1);
  });

  it('publishes a photo carousel that TikTok pulls from the image URLs, with title and description', async () => {
    p = await startTikTokPinion();
    const { user, sandbox } = await tiktokAccount(p);
    const image = await jpeg();
    server = await startMediaServer({ '/a.jpg': { type: 'image/jpeg', bytes: image }, '/b.jpg': { type: 'image/jpeg', bytes: image } });
    const { status, json } = await schedule({
      content: 'Three looks for spring',
      platform_options: {
        tiktok: { photo_mode: true, photo_images: [`${server.url}/a.jpg`, `${server.url}/b.jpg`], title: 'Spring', privacy_level: 'FOLLOWER_OF_CREATOR' },
      },
    });
    expect(status).toBe(201);
    const [done] = await settled(p, [json.id]);
    expect(done!.status).toBe('published');
    const [post] = sandbox.state.postsOf(user.openId);
    expect(post).toMatchObject({ kind: 'photo', title: 'Spring', description: 'Three looks for spring', images: 2, bytes: image.length * 2 });
    expect(done!.deliveries[0]!.url).toBe(`https://www.tiktok.com/@maker/photo/${post!.id}`);
  });

  it('takes a video by URL: uploaded by Pinion (FILE_UPLOAD) by default, pulled by TikTok (PULL_FROM_URL) when asked', async () => {
    const bytes = mp4({ bytes: 300_000 });
    server = await startMediaServer({ '/clip.mp4': { type: 'video/mp4', bytes } });
    // Media URL checks off: the count below is then exactly the publish path's fetches (the checks are tested in test/posts/media-preflight.test.ts).
    p = await startTikTokPinion({}, { media: mediaConfig({ fetchAllowHosts: ['127.0.0.1'], checkPostUrls: false }) });
    const { user, sandbox } = await tiktokAccount(p);
    const url = `${server.url}/clip.mp4`;
    const uploaded = await schedule({ content: 'uploaded', media_url: url, platform_options: { tiktok: { privacy_level: 'SELF_ONLY' } } });
    const pulled = await schedule({ content: 'pulled', media_url: url, platform_options: { tiktok: { privacy_level: 'SELF_ONLY', pull_from_url: true } } });
    expect(uploaded.json.deliveries[0].payload.video).toEqual({ source: 'FILE_UPLOAD', media: url });
    expect(pulled.json.deliveries[0].payload.video).toEqual({ source: 'PULL_FROM_URL', video_url: url });
    const done = await settled(p, [uploaded.json.id, pulled.json.id]);
    expect(done.map((d) => d.status)).toEqual(['published', 'published']);
    const posts = sandbox.state.postsOf(user.openId);
    expect(posts.map((x) => [x.title, x.bytes]).sort()).toEqual([
      ['pulled', bytes.length],
      ['uploaded', bytes.length],
    ]);
    const sources = [...sandbox.state.publishes.values()].map((x) => x.source).sort();
    expect(sources).toEqual(['FILE_UPLOAD', 'PULL_FROM_URL']);
    // Fetched once by Pinion (upload) and once by TikTok (pull).
    expect(server.hits.filter((h) => h === '/clip.mp4')).toHaveLength(2);
  });

  it('sends a video to the creator’s inbox as a draft when post_mode is inbox', async () => {
    p = await startTikTokPinion();
    const { user, sandbox } = await tiktokAccount(p);
    const video = await uploadVideo(p, mp4());
    const { json } = await schedule({ media_id: video.id, platform_options: { tiktok: { post_mode: 'inbox' } } });
    const [done] = await settled(p, [json.id]);
    expect(done!.status).toBe('published');
    expect(sandbox.state.inbox).toHaveLength(1);
    expect(sandbox.state.postsOf(user.openId)).toHaveLength(0);
    expect(sandbox.stats().operations['POST /v2/post/publish/inbox/video/init/']).toBe(1);
    expect(done!.deliveries[0]!.url).toBe('https://www.tiktok.com/@maker');
  });

  it("fails the delivery with TikTok's fail_reason when processing fails, without initiating again", async () => {
    p = await startTikTokPinion({ faults: { failProcessing: 'duration_check_failed' } });
    const { sandbox, user } = await tiktokAccount(p);
    const video = await uploadVideo(p, mp4());
    const { json } = await schedule({ media_id: video.id, platform_options: { tiktok: { privacy_level: 'SELF_ONLY' } } });
    const [done] = await settled(p, [json.id]);
    expect(done!.status).toBe('failed');
    expect(done!.deliveries[0]!.last_error).toMatchObject({ kind: 'rejected', message: expect.stringContaining('duration_check_failed') });
    expect(sandbox.stats().operations['POST /v2/post/publish/video/init/']).toBe(1);
    expect(sandbox.state.postsOf(user.openId)).toHaveLength(0);
  });

  it('refreshes the short-lived access token with the rotating refresh token, always the newest one', async () => {
    // 2-second access tokens: every use is inside Pinion's refresh margin, so each publish refreshes.
    p = await startTikTokPinion({ accessTokenTtlSeconds: 2 });
    const { sandbox, account } = await tiktokAccount(p);
    for (const content of ['first', 'second']) {
      const video = await uploadVideo(p, mp4({ bytes: 100_000 + content.length }));
      const { json } = await schedule({ content, media_id: video.id, platform_options: { tiktok: { privacy_level: 'SELF_ONLY' } } });
      const [done] = await settled(p, [json.id]);
      expect(done!.status).toBe('published');
    }
    const refreshTokens = [...sandbox.state.tokens.values()].filter((t) => t.kind === 'refresh');
    // The one from the code exchange plus one per refresh; all but the newest were rotated away.
    expect(refreshTokens.length).toBeGreaterThanOrEqual(3);
    expect(refreshTokens.filter((t) => !t.revoked)).toHaveLength(1);
    const accounts = (await (await p.api('GET', '/api/v1/accounts')).json()) as { data: Array<{ id: string; status: string }> };
    expect(accounts.data.find((a) => a.id === account.id)!.status).toBe('active');
  });

  it('waits when the init rate limit (per minute) is reached: no failure, no attempt used, no loop', async () => {
    p = await startTikTokPinion({ rateLimits: { init: 1 } });
    const { sandbox, user } = await tiktokAccount(p);
    const ids: string[] = [];
    for (const content of ['one', 'two']) {
      const video = await uploadVideo(p, mp4({ bytes: 100_000 + content.length }));
      ids.push((await schedule({ content, media_id: video.id, platform_options: { tiktok: { privacy_level: 'SELF_ONLY' } } })).json.id);
    }
    const waiting = await waitFor(async () => {
      const posts = await Promise.all(ids.map((id) => getPost(p!, id)));
      const published = posts.filter((x) => x.status === 'published');
      const limited = posts.find((x) => x.deliveries[0]!.last_error?.kind === 'rate_limited');
      return published.length === 1 && limited ? limited : undefined;
    }, 'one published and one waiting');
    expect(waiting.status).toBe('scheduled');
    expect(waiting.deliveries[0]).toMatchObject({ status: 'scheduled', attempts: 0, last_error: { message: expect.stringContaining('rate_limit_exceeded') } });
    await new Promise((r) => setTimeout(r, 800));
    // The delivery waits for the window instead of asking again and again.
    expect(sandbox.stats().users[user.openId]!.operations['POST /v2/post/publish/video/init/']).toBe(2);
    expect((await getPost(p, waiting.id)).deliveries[0]!.status).toBe('scheduled');
  });

  it('waits (for hours, not attempts) when TikTok says spam_risk_too_many_posts', async () => {
    p = await startTikTokPinion({ dailyPostCap: 0 });
    const { sandbox, user } = await tiktokAccount(p);
    const video = await uploadVideo(p, mp4());
    const { json } = await schedule({ media_id: video.id, platform_options: { tiktok: { privacy_level: 'SELF_ONLY' } } });
    const post = await waitFor(async () => {
      const x = await getPost(p!, json.id);
      return x.deliveries[0]!.last_error ? x : undefined;
    }, 'the daily cap to be hit');
    expect(post.deliveries[0]).toMatchObject({
      status: 'scheduled',
      attempts: 0,
      last_error: { kind: 'rate_limited', message: expect.stringContaining('spam_risk_too_many_posts') },
    });
    await new Promise((r) => setTimeout(r, 800));
    expect(sandbox.stats().users[user.openId]!.operations['POST /v2/post/publish/video/init/']).toBe(1);
    expect(sandbox.state.postsOf(user.openId)).toHaveLength(0);
  });
});
