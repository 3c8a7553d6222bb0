import { afterEach, describe, expect, it } from 'vitest';
import type { PinterestSandboxOptions } from '../../src/sandbox/pinterest/index.js';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { FAST_SCHEDULER, fastPinterest, getPost, pinterestAccount, settled, startImageServer, waitFor } from '../helpers/posts.js';

describe.each(DIALECTS)('changing or cancelling a post while it is being published on %s', (dialect) => {
  let p: TestPinion | undefined;
  let images: Awaited<ReturnType<typeof startImageServer>> | undefined;
  afterEach(async () => {
    await p?.close();
    await images?.close();
    p = undefined;
  });

  async function setup(sandbox: PinterestSandboxOptions, scheduler: Partial<typeof FAST_SCHEDULER> = {}, outcomeWindowSeconds = 1) {
    images = await startImageServer();
    p = await startTestPinion({
      dialect,
      worker: true,
      sandbox,
      config: { scheduler: { ...FAST_SCHEDULER, ...scheduler }, platforms: fastPinterest({ outcomeWindowSeconds }) },
    });
    const { sandboxUserId } = await pinterestAccount(p);
    const res = await p.api('POST', '/api/v1/posts', {
      body: {
        content: 'first text',
        platforms: ['pinterest'],
        media_url: `${images.url}/good.jpg`,
        platform_options: { pinterest: { board: 'Products', title: 'Apron' } },
      },
    });
    expect(res.status).toBe(201);
    return { sandboxUserId, id: ((await res.json()) as { id: string }).id };
  }

  async function expectBusy(res: Response, reason: RegExp) {
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as { type: string; detail: string; retry_at?: string };
    expect(problem.type).toBe('urn:pinion:problem:already-publishing');
    expect(problem.detail).toMatch(reason);
    expect(Date.parse(problem.retry_at!)).toBeGreaterThan(Date.now() - 5000);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  }

  it('refuses an edit and a cancel after an attempt got no answer, and ends with one pin', async () => {
    // Pinterest makes the pin but the answer is lost; the first look for it comes 1.5 s later.
    const { sandboxUserId, id } = await setup(
      { faults: { dropAfterCommitRate: 1, only: ['POST /v5/pins'] } },
      { retryBaseSeconds: 1.5, retryMaxSeconds: 1.5 },
      3,
    );
    const waiting = await waitFor(
      async () => {
        const post = await getPost(p!, id);
        return post.deliveries[0]!.last_error?.kind === 'unknown_outcome' && post;
      },
      'an attempt without an answer',
      10_000,
      20,
    );
    expect(waiting.deliveries[0]!.status).toBe('awaiting_check');
    expect(waiting.status).toBe('publishing');

    const edit = await p!.api('PATCH', `/api/v1/posts/${id}`, { body: { content: 'second text' } });
    const cancel = await p!.api('POST', `/api/v1/posts/${id}/cancel`);

    const [done] = await settled(p!, [id]);
    const pins = p!.sandbox!.state.pinsOf(sandboxUserId);
    expect(pins.map((x) => x.description)).toEqual(['first text']);
    expect(p!.sandbox!.stats().users[sandboxUserId]!.create_pin_calls).toBe(1);
    expect(done!.status).toBe('published');
    expect(done!.deliveries[0]).toMatchObject({ status: 'published', adopted: true, external_id: pins[0]!.id });
    await expectBusy(edit, /no answer came back/);
    await expectBusy(cancel, /no answer came back/);
    expect((await getPost(p!, id)).deliveries[0]!.payload.description).toBe('first text');
  });

  it('refuses an edit and a cancel while Pinterest is being called, and publishes what was sent', async () => {
    const { sandboxUserId, id } = await setup({ faults: { latencyMs: 1000, only: ['POST /v5/pins'] } });
    await waitFor(
      async () => {
        const d = (await getPost(p!, id)).deliveries[0]!;
        return (d.status === 'publishing' && d.attempts === 1) || undefined;
      },
      'the publish call',
      10_000,
      20,
    );
    await expectBusy(await p!.api('PATCH', `/api/v1/posts/${id}`, { body: { content: 'second text' } }), /being published right now/);
    await expectBusy(await p!.api('POST', `/api/v1/posts/${id}/cancel`), /being published right now/);
    const [done] = await settled(p!, [id]);
    expect(done!.status).toBe('published');
    expect(p!.sandbox!.state.pinsOf(sandboxUserId).map((x) => x.description)).toEqual(['first text']);
  });

  it('refuses an edit while an attempt answered with a server error waits for its look', async () => {
    // Pinterest answers 500: nothing was made, but Pinion looks once before trying again, and edits wait for that look.
    const { sandboxUserId, id } = await setup(
      { faults: { errorRate: 1, only: ['POST /v5/pins'] } },
      { maxAttempts: 1, retryBaseSeconds: 1, retryMaxSeconds: 1 },
    );
    const retrying = await waitFor(
      async () => {
        const post = await getPost(p!, id);
        return post.deliveries[0]!.attempts === 1 && post.deliveries[0]!.status === 'scheduled' && post;
      },
      'a failed attempt',
      10_000,
      20,
    );
    expect(retrying.deliveries[0]!.last_error!.kind).toBe('retryable');
    await expectBusy(await p!.api('PATCH', `/api/v1/posts/${id}`, { body: { content: 'second text' } }), /server error/);
    const [done] = await settled(p!, [id]);
    expect(done!.status).toBe('failed');
    expect(p!.sandbox!.state.pinsOf(sandboxUserId)).toEqual([]);
  });
});
