import { afterEach, describe, expect, it } from 'vitest';
import type { TestPinion } from '../../helpers/pinion.js';
import { settled } from '../../helpers/posts.js';
import { tiktokAccount } from '../../helpers/tiktok.js';
import { mediaConfig, startMediaServer } from '../../media/support.js';
import { mp4, startTikTokPinion, uploadVideo } from './support.js';

const MB = 1024 * 1024;
const VIDEO_INIT = 'POST /v2/post/publish/video/init/';

describe('TikTok publishes exactly once', () => {
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
    const json = (await res.json()) as { id: string };
    expect(res.status, JSON.stringify(json)).toBe(201);
    return json;
  };

  it('resumes an upload whose chunk was taken but whose answer was lost: same publish, no chunk twice, one post', async () => {
    // The second chunk is committed by TikTok, then the connection drops before the answer.
    p = await startTikTokPinion({ faults: { dropAfterCommitRate: 1, only: ['PUT /upload/'], after: 1, times: 1 } });
    const { sandbox, user } = await tiktokAccount(p);
    const bytes = mp4({ bytes: 16 * MB });
    const video = await uploadVideo(p, bytes);
    const post = await schedule({ media_id: video.id, platform_options: { tiktok: { privacy_level: 'PUBLIC_TO_EVERYONE' } } });
    const [done] = await settled(p, [post.id]);
    expect(done!.status).toBe('published');
    expect(done!.deliveries[0]!.attempts).toBe(2);
    expect(sandbox.state.postsOf(user.openId)).toHaveLength(1);
    expect(sandbox.state.publishes.size).toBe(1);
    const ops = sandbox.stats().operations;
    expect(ops[VIDEO_INIT]).toBe(1);
    // Chunks 1, 2 (answer lost), then 3 only: TikTok's uploaded_bytes said chunk 2 was in.
    expect(ops['PUT /upload/']).toBe(3);
    expect(sandbox.state.postsOf(user.openId)[0]!.bytes).toBe(bytes.length);
  });

  it('initiates again when a FILE_UPLOAD init was taken but its answer lost: that publish never gets bytes, so one post', async () => {
    p = await startTikTokPinion({ faults: { dropAfterCommitRate: 1, only: [VIDEO_INIT], times: 1 } });
    const { sandbox, user } = await tiktokAccount(p);
    const video = await uploadVideo(p, mp4());
    const post = await schedule({ media_id: video.id, platform_options: { tiktok: { privacy_level: 'SELF_ONLY' } } });
    const [done] = await settled(p, [post.id]);
    expect(done!.status).toBe('published');
    expect(sandbox.stats().operations[VIDEO_INIT]).toBe(2);
    expect(sandbox.state.postsOf(user.openId)).toHaveLength(1);
    // The orphan publish waits for bytes that never come.
    const states = [...sandbox.state.publishes.values()].map((x) => x.upload!.receivedBytes > 0);
    expect(states.sort()).toEqual([false, true]);
  });

  it('never asks TikTok to pull again after a PULL_FROM_URL init whose answer was lost: the delivery fails as unknown_outcome for a person to check', async () => {
    server = await startMediaServer({ '/clip.mp4': { type: 'video/mp4', bytes: mp4() } });
    const media = mediaConfig({ fetchAllowHosts: ['127.0.0.1'] });
    p = await startTikTokPinion({ faults: { dropAfterCommitRate: 1, only: [VIDEO_INIT], times: 1 } }, { media }, { unknownOutcomeGiveUpSeconds: 1.5 });
    const { sandbox, user } = await tiktokAccount(p);
    const post = await schedule({ media_url: `${server.url}/clip.mp4`, platform_options: { tiktok: { privacy_level: 'SELF_ONLY', pull_from_url: true } } });
    const [done] = await settled(p, [post.id]);
    expect(done!.status).toBe('failed');
    expect(done!.deliveries[0]!.last_error).toMatchObject({ kind: 'unknown_outcome', message: expect.stringContaining('no list') });
    expect(sandbox.stats().operations[VIDEO_INIT]).toBe(1);
    // TikTok did make it: exactly the one post, which a person now checks.
    expect(sandbox.state.postsOf(user.openId)).toHaveLength(1);
  });
});
