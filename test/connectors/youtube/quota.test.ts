import { afterEach, describe, expect, it } from 'vitest';
import { nextQuotaReset } from '../../../src/connectors/youtube/index.js';
import { youtubeAccount } from '../../helpers/connect-youtube.js';
import { startTestPinion, type TestPinion } from '../../helpers/pinion.js';
import { FAST_SCHEDULER, getPost, settled, waitFor } from '../../helpers/posts.js';
import { fastYouTube, mp4, sandboxOf, storedMedia } from './support.js';

describe('YouTube quota units, per Google project per Pacific day', () => {
  let p: TestPinion | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  const post = async (content: string, media: string) =>
    ((await (await p!.api('POST', '/api/v1/posts', { body: { content, media_id: media, platforms: ['youtube'] } })).json()) as { id: string }).id;

  it('a day whose units would run out is never overspent: the next upload waits for midnight Pacific, saying so', async () => {
    // One upload (1,600) and its polls fit in 1,700; a second would pass it.
    p = await startTestPinion({
      worker: true,
      sandboxes: { youtube: { processingMs: 200 } },
      config: { scheduler: FAST_SCHEDULER, platforms: fastYouTube({ unitsPerDay: 1700 }) },
    });
    await youtubeAccount(p, '@busy');
    const media = await storedMedia(p, mp4(1280, 720, 10_000, 300 * 1024), 'clip.mp4');
    const first = await post('First of the day', media);
    const [done] = await settled(p, [first]);
    expect(done!.deliveries[0]!.status).toBe('published');

    const second = await post('Second of the day', media);
    const waiting = await waitFor(async () => {
      const got = await getPost(p!, second);
      return got.deliveries[0]!.last_error?.kind === 'rate_limited' ? got : undefined;
    }, 'the second upload to wait for the quota');
    const before = Date.now();
    const reset = nextQuotaReset(before);
    const delivery = waiting.deliveries[0]!;
    expect(delivery.status).toBe('scheduled');
    expect(delivery.last_error!.message).toContain('midnight Pacific');
    expect(delivery.last_error!.message).toContain(new Date(reset).toISOString());
    const row = await p.store.db.selectFrom('deliveries').select(['run_at', 'attempts']).where('post_id', '=', second).executeTakeFirstOrThrow();
    expect(Number(row.run_at)).toBe(reset);
    // The reset is a Pacific midnight: 07:00 or 08:00 UTC, depending on daylight saving.
    expect([7, 8]).toContain(new Date(reset).getUTCHours());
    // YouTube never saw the second upload.
    expect(sandboxOf(p).stats().sessions).toHaveLength(1);
  });

  it('units spent elsewhere in the project (YouTube answers quotaExceeded): the day is marked used up and the post waits for the reset', async () => {
    // Pinion's own count allows it; the emulated project has fewer units left than an insert costs.
    p = await startTestPinion({
      worker: true,
      sandboxes: { youtube: { unitsPerDay: 1000, processingMs: 200 } },
      config: { scheduler: FAST_SCHEDULER, platforms: fastYouTube() },
    });
    await youtubeAccount(p, '@shared');
    const media = await storedMedia(p, mp4(1280, 720, 10_000, 300 * 1024), 'clip.mp4');
    const id = await post('Quota used by another app', media);
    const waiting = await waitFor(async () => {
      const got = await getPost(p!, id);
      return got.deliveries[0]!.last_error?.kind === 'rate_limited' ? got : undefined;
    }, 'the upload to wait');
    expect(waiting.deliveries[0]!.last_error!.message).toContain('quotaExceeded');
    const counted = await p.store.db.selectFrom('quota_units').selectAll().execute();
    expect(counted.map((c) => c.used)).toEqual([10_000]);
    const row = await p.store.db.selectFrom('deliveries').select('run_at').where('post_id', '=', id).executeTakeFirstOrThrow();
    expect(Number(row.run_at)).toBe(nextQuotaReset(Date.now()));
  });
});
