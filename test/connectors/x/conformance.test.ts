import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { XSandbox } from '../../../src/sandbox/x/index.js';
import { checkExchange, type Api } from '../../helpers/openapi-spec.js';
import { recordingFetch, type Exchange } from '../../helpers/recording-fetch.js';
import { loadXValidator } from '../../helpers/x-spec.js';
import { connectX, fastX } from '../../helpers/connect-x.js';
import { startTestPinion, type TestPinion } from '../../helpers/pinion.js';
import { FAST_SCHEDULER, settled, startImageServer } from '../../helpers/posts.js';
import { fixtures, uploadFile } from '../../media/support.js';

/**
 * The emulator is checked against the spec elsewhere; this checks Pinion's side: every request the
 * X connector sends (users/me, posts, timeline search, media upload and metadata) and every answer
 * it relied on, recorded off the wire during real flows and validated against the official spec.
 */
describe("Pinion's X traffic conforms to the official X API v2 spec", () => {
  const log: Exchange[] = [];
  const original = globalThis.fetch;
  let api: Api;
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  beforeAll(async () => {
    api = await loadXValidator();
    globalThis.fetch = recordingFetch(log, original);
    images = await startImageServer();
    p = await startTestPinion({
      worker: true,
      sandboxes: { x: { mediaProcessingMs: 100, faults: { dropAfterCommitRate: 1, only: ['POST /2/tweets'], seed: 1 } } },
      config: { scheduler: FAST_SCHEDULER, platforms: fastX() },
    });
  });
  afterAll(async () => {
    globalThis.fetch = original;
    await p?.close();
    await images?.close();
  });

  it('connect, refresh, text, images with alt text, video, thread, and the search after a lost answer', async () => {
    const account = await connectX(p, 'shop');
    await p.api('POST', `/api/v1/accounts/${account.id}/refresh`);
    const f = await fixtures();
    const video = (await (await uploadFile(p, f.mp4, 'clip.mp4')).json()) as { id: string };
    const bodies = [
      { content: 'Plain text', platforms: ['x'] },
      { content: 'Images', platforms: ['x'], platform_options: { x: { images: [{ media_url: `${images.url}/good.jpg`, alt_text: 'alt' }] } } },
      { content: 'Video', platforms: ['x'], media_id: video.id },
      { content: 'A sentence to split. '.repeat(20), platforms: ['x'], platform_options: { x: { thread: true } } },
    ];
    const ids = [];
    for (const body of bodies) ids.push((await (await p.api('POST', '/api/v1/posts', { body })).json()).id);
    const done = await settled(p, ids, 30_000);
    expect(done.map((d) => `${d.status} ${d.deliveries[0]!.last_error?.message ?? ''}`.trim())).toEqual(['published', 'published', 'published', 'published']);
    expect(done.every((d) => d.deliveries[0]!.adopted)).toBe(true);
    // With answers no longer lost, a create's answer is on the wire too.
    (p.sandboxes.get('x') as XSandbox).setFaults({});
    const last = (await (await p.api('POST', '/api/v1/posts', { body: { content: 'Answered', platforms: ['x'] } })).json()).id;
    expect((await settled(p, [last]))[0]!.status).toBe('published');

    const prefix = '/sandbox/x';
    const x = log.filter((e) => e.url.pathname.startsWith(`${prefix}/2/`) && !e.url.pathname.startsWith(`${prefix}/2/oauth2/`));
    const results = x.map((e) => checkExchange(api, e, { prefix }));
    expect(results.flatMap((r) => r.findings)).toEqual([]);
    const operations = new Set(results.map((r) => r.operationId));
    for (const op of [
      'getUsersMe',
      'createPosts',
      'getUsersPosts',
      'initializeMediaUpload',
      'appendMediaUpload',
      'finalizeMediaUpload',
      'createMediaMetadata',
    ]) {
      expect(operations, op).toContain(op);
    }
  });
});
