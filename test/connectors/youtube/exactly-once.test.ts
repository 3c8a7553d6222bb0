import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { youtubeAccount } from '../../helpers/connect-youtube.js';
import { startTestPinion, type TestPinion } from '../../helpers/pinion.js';
import { FAST_SCHEDULER, settled, waitFor } from '../../helpers/posts.js';
import { fastYouTube, mp4, sandboxOf, startMediaWorkers, storedMedia } from './support.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const PUT = 'PUT /upload/youtube/v3/videos';

describe('YouTube: one video per post, whatever is lost on the way', () => {
  let p: TestPinion | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('every chunk accepted and its answer dropped: the upload resumes from the byte YouTube confirms, one video', async () => {
    p = await startTestPinion({
      worker: true,
      sandboxes: { youtube: { processingMs: 200, faults: { dropAfterCommitRate: 1, only: [PUT] } } },
      config: { scheduler: FAST_SCHEDULER, platforms: fastYouTube() },
    });
    await youtubeAccount(p, '@lossy');
    const bytes = mp4(1280, 720, 20_000, 700 * 1024);
    const video = await storedMedia(p, bytes, 'clip.mp4');
    const res = await p.api('POST', '/api/v1/posts', { body: { content: 'Lossy network\nStill one video.', media_id: video, platforms: ['youtube'] } });
    const [post] = await settled(p, [((await res.json()) as { id: string }).id], 60_000);
    const delivery = post!.deliveries[0]!;
    expect(delivery.status, JSON.stringify(delivery.last_error)).toBe('published');
    const state = sandboxOf(p).stats();
    expect(state.sessions).toHaveLength(1);
    expect(state.videos).toHaveLength(1);
    expect(state.videos[0]!.id).toBe(delivery.external_id);
    // The bytes YouTube assembled are exactly the file: each resume started where the server said.
    expect(state.videos[0]!.sha256).toBe(sha256(bytes));
    expect(state.operations[`${PUT} (status)`]).toBeGreaterThanOrEqual(3);
  });

  it('a lost last chunk whose session YouTube forgot: the uploads playlist is searched (any order), the video adopted, an older twin left alone', async () => {
    p = await startTestPinion({
      worker: true,
      sandboxes: {
        youtube: { processingMs: 200, finishedSessionAnswers: 'not_found', uploadsOrder: 'oldest_first', faults: { dropAfterCommitRate: 1, only: [PUT] } },
      },
      config: { scheduler: FAST_SCHEDULER, platforms: fastYouTube() },
    });
    await youtubeAccount(p, '@forgetful');
    const sandbox = sandboxOf(p);
    const channel = sandbox.state.channelByHandle('@forgetful')!;
    // Yesterday's video with the same title and description: not this post's.
    sandbox.state.videos.set('olderTwin01', {
      id: 'olderTwin01',
      channelId: channel.id,
      clientId: 'someone',
      snippet: { title: 'Same again', description: 'Same again', categoryId: '22' },
      status: { privacyStatus: 'public' },
      size: 1,
      mime: 'video/mp4',
      sha256: '',
      uploadedAt: Date.now() - 86_400_000,
      result: { outcome: 'processed' },
    });
    const video = await storedMedia(p, mp4(1280, 720, 20_000, 300 * 1024), 'clip.mp4');
    const res = await p.api('POST', '/api/v1/posts', { body: { content: 'Same again', media_id: video, platforms: ['youtube'] } });
    const [post] = await settled(p, [((await res.json()) as { id: string }).id], 60_000);
    const delivery = post!.deliveries[0]!;
    expect(delivery.status, JSON.stringify(delivery.last_error)).toBe('published');
    expect(delivery.adopted).toBe(true);
    const mine = sandbox.stats().videos.filter((v) => v.id !== 'olderTwin01');
    expect(mine).toHaveLength(1);
    expect(delivery.external_id).toBe(mine[0]!.id);
    expect(sandbox.stats().operations['GET /youtube/v3/playlistItems']).toBeGreaterThanOrEqual(1);
  });

  it('a worker killed between chunks: the next worker resumes the saved session, one video with every byte', async () => {
    p = await startTestPinion({
      sandboxes: { youtube: { processingMs: 200, faults: { latencyMs: 700, only: [PUT] } } },
      config: { scheduler: FAST_SCHEDULER, platforms: fastYouTube({ timeoutMs: 5000 }) },
    });
    await youtubeAccount(p, '@crashy');
    const bytes = mp4(1280, 720, 30_000, 1000 * 1024);
    const video = await storedMedia(p, bytes, 'clip.mp4');
    const res = await p.api('POST', '/api/v1/posts', { body: { content: 'Crash test', media_id: video, platforms: ['youtube'] } });
    const id = ((await res.json()) as { id: string }).id;
    const sandbox = sandboxOf(p);

    const first = await startMediaWorkers(p, 1);
    // Kill once YouTube holds the first chunk and the second is on its way.
    await waitFor(async () => (sandbox.stats().sessions[0]?.received ?? 0) >= 256 * 1024 || undefined, 'a first chunk', 30_000, 10);
    first.workers[0]!.child.kill('SIGKILL');
    const held = sandbox.stats().sessions[0]!.received;
    expect(held).toBeLessThan(bytes.length);

    const second = await startMediaWorkers(p, 1);
    try {
      const [post] = await settled(p, [id], 60_000);
      expect(post!.deliveries[0]!.status, JSON.stringify(post!.deliveries[0]!.last_error)).toBe('published');
    } finally {
      await second.stop();
    }
    const state = sandbox.stats();
    expect(state.sessions).toHaveLength(1);
    expect(state.videos).toHaveLength(1);
    expect(state.videos[0]!.sha256).toBe(sha256(bytes));
    expect(state.operations[`${PUT} (status)`]).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
