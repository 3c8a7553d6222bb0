import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { FAST_SCHEDULER, fastPinterest, getPost, pinterestAccount, settled, startImageServer, waitFor } from '../helpers/posts.js';
import type { DeliveryStatus } from '../../src/scheduler/index.js';

describe.each(DIALECTS)('retrying failed posts on %s', (dialect) => {
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  beforeAll(async () => {
    images = await startImageServer();
    const scheduler = { ...FAST_SCHEDULER, maxAttempts: 2, retryBaseSeconds: 0.05, retryMaxSeconds: 0.1 };
    p = await startTestPinion({ dialect, worker: true, sandbox: {}, config: { scheduler, platforms: fastPinterest() } });
    await pinterestAccount(p);
    await p.api('POST', `/api/v1/accounts/${(await (await p.api('GET', '/api/v1/accounts')).json()).data[0].id}/boards`, { body: { name: 'Gifts' } });
  });
  afterAll(async () => {
    await p?.close();
    await images?.close();
  });
  const body = (extra: Record<string, unknown> = {}) => ({
    content: 'Retry me',
    platforms: ['pinterest'],
    media_url: `${images.url}/good.jpg`,
    platform_options: { pinterest: { board: 'Products' } },
    ...extra,
  });
  const future = (extra: Record<string, unknown> = {}) => body({ scheduled_at: '2040-01-01T10:00:00Z', ...extra });
  const create = async (b: unknown) => (await (await p.api('POST', '/api/v1/posts', { body: b })).json()) as { id: string; deliveries: Array<{ id: string }> };
  /** Puts deliveries in a state as the worker would leave them (these posts are due in 2040: the worker never takes them). */
  const setState = async (postId: string, status: DeliveryStatus, at = Date.now(), ids?: string[]) => {
    let q = p.store.db
      .updateTable('deliveries')
      .set({
        status,
        updated_at: at,
        attempts: 2,
        last_error: 'Refused',
        last_error_kind: 'rejected',
        ...(status === 'published' && { external_id: '1', published_at: at }),
      })
      .where('post_id', '=', postId);
    if (ids) q = q.where('id', 'in', ids);
    await q.execute();
    const statuses = (await p.store.db.selectFrom('deliveries').select('status').where('post_id', '=', postId).execute()).map((r) => r.status);
    const post = statuses.every((s) => s === 'failed') ? 'failed' : statuses.every((s) => s === 'published') ? 'published' : 'partially_published';
    await p.store.db.updateTable('posts').set({ status: post }).where('id', '=', postId).execute();
  };

  it('publishes a failed post again when retried, with a fresh count of attempts, and records who retried it', async () => {
    p.sandbox!.setFaults({ errorRate: 1, only: ['POST /v5/pins'] });
    const { id } = await create(body());
    const [failed] = await settled(p, [id]);
    expect(failed!.status).toBe('failed');
    expect(failed!.deliveries[0]!.attempts).toBe(2);
    p.sandbox!.setFaults({});

    const res = await p.api('POST', `/api/v1/posts/${id}/retry`);
    expect(res.status).toBe(200);
    const answer = await res.json();
    expect(answer.retried).toEqual([failed!.deliveries[0]!.id]);
    expect(answer.post.deliveries[0]).toMatchObject({ attempts: 0, retries: 1, retried_by: expect.stringMatching(/^key_/), retried_at: expect.any(String) });
    expect(['scheduled', 'publishing', 'published']).toContain(answer.post.deliveries[0].status);

    const [done] = await settled(p, [id]);
    expect(done!.status).toBe('published');
    expect(done!.deliveries[0]!.attempts).toBe(1);
    expect(done!.deliveries[0]!.last_error).toBeNull();
    expect(await waitFor(async () => (await getPost(p, id)).deliveries[0]!.external_id, 'the pin id')).toBeTruthy();
    // Published once, not once per attempt.
    expect((await p.api('POST', `/api/v1/posts/${id}/retry`)).status).toBe(409);
  });

  it('retries only the failed deliveries of a post, at the time asked', async () => {
    const post = await create(future({ platform_options: { pinterest: { boards: [{ board: 'Products' }, { board: 'Gifts' }] } } }));
    expect(post.deliveries).toHaveLength(2);
    const [a, b] = post.deliveries.map((d) => d.id);
    await setState(post.id, 'published', Date.now(), [a!]);
    await setState(post.id, 'failed', Date.now(), [b!]);
    const res = await p.api('POST', `/api/v1/posts/${post.id}/retry`, { body: { scheduled_at: '2041-02-03T04:05:06+01:00' } });
    expect(res.status).toBe(200);
    const answer = await res.json();
    expect(answer.retried).toEqual([b]);
    const byId = Object.fromEntries(answer.post.deliveries.map((d: { id: string }) => [d.id, d]));
    expect(byId[a!]).toMatchObject({ status: 'published', retries: 0 });
    expect(byId[b!]).toMatchObject({
      status: 'scheduled',
      attempts: 0,
      retries: 1,
      next_attempt_at: '2041-02-03T03:05:06.000Z',
      scheduled_at: '2041-02-03T03:05:06.000Z',
    });
    // The last error stays visible until the next outcome.
    expect(byId[b!].last_error).toMatchObject({ kind: 'rejected' });
    expect(answer.post.status).toBe('publishing');
  });

  it('never retries a delivery whose outcome is unknown, nor a published, cancelled or waiting one, and says why', async () => {
    const cases: Array<[DeliveryStatus, RegExp]> = [
      ['needs_attention', /may have been published/],
      ['awaiting_check', /could publish it twice/],
      ['published', /is published already/],
    ];
    for (const [status, why] of cases) {
      const { id } = await create(future());
      await setState(id, status);
      const res = await p.api('POST', `/api/v1/posts/${id}/retry`);
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const problem = await res.json();
      expect(problem).toMatchObject({ type: 'urn:pinion:problem:not-retriable', detail: expect.stringMatching(why) });
      expect((await getPost(p, id)).deliveries[0]!.status).toBe(status);
    }
    // Set aside by the media preflight before any attempt: nothing was published, and the answer says to change the media.
    const setAside = await create(future());
    await setState(setAside.id, 'needs_attention');
    await p.store.db.updateTable('deliveries').set({ attempts: 0, last_error_kind: 'media' }).where('post_id', '=', setAside.id).execute();
    const refused = await (await p.api('POST', `/api/v1/posts/${setAside.id}/retry`)).json();
    expect(refused.detail).toMatch(/was set aside before any attempt because of its media: change the media \(PATCH the post\)/);
    expect(refused.detail).not.toMatch(/may have been published/);
    const waiting = await create(future());
    expect((await (await p.api('POST', `/api/v1/posts/${waiting.id}/retry`)).json()).detail).toMatch(/is waiting to be published already/);
    await p.api('POST', `/api/v1/posts/${waiting.id}/cancel`);
    expect((await (await p.api('POST', `/api/v1/posts/${waiting.id}/retry`)).json()).detail).toMatch(/was cancelled/);
  });

  it('refuses to retry named deliveries unless every one failed, and names deliveries and platforms the post lacks', async () => {
    const post = await create(future({ platform_options: { pinterest: { boards: [{ board: 'Products' }, { board: 'Gifts' }] } } }));
    const [a, b] = post.deliveries.map((d) => d.id);
    await setState(post.id, 'failed', Date.now(), [a!]);
    await setState(post.id, 'needs_attention', Date.now(), [b!]);
    const both = await p.api('POST', `/api/v1/posts/${post.id}/retry`, { body: { delivery_ids: [a, b] } });
    expect(both.status).toBe(409);
    expect((await both.json()).detail).toMatch(new RegExp(`nothing was retried.*${b}.*may have been published`));
    expect((await getPost(p, post.id)).deliveries.find((d) => d.id === a)!.status).toBe('failed');

    const unknown = await p.api('POST', `/api/v1/posts/${post.id}/retry`, { body: { delivery_ids: ['dlv_nope'], platforms: ['x'] } });
    expect(unknown.status).toBe(422);
    expect((await unknown.json()).errors).toEqual([
      { field: 'delivery_ids.0', message: 'is not a delivery of this post' },
      { field: 'platforms.0', message: 'the post has no delivery to x' },
    ]);
    const bad = await p.api('POST', `/api/v1/posts/${post.id}/retry`, { body: { scheduled_at: 'tomorrow', extra: 1 } });
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors.map((e: { field: string }) => e.field).sort()).toEqual(['extra', 'scheduled_at']);

    const ok = await p.api('POST', `/api/v1/posts/${post.id}/retry`, { body: { platforms: ['pinterest'] } });
    expect((await ok.json()).retried).toEqual([a]);
    expect((await p.api('POST', '/api/v1/posts/post_00000000000000000000000000/retry')).status).toBe(404);
    const other = await p.newKey('elsewhere');
    expect((await p.api('POST', `/api/v1/posts/${post.id}/retry`, { key: other })).status).toBe(404);
  });

  it('retries the failed posts matching filters in bulk, and dry_run changes nothing', async () => {
    const t0 = Date.UTC(2030, 0, 1);
    const posts = [];
    for (let i = 0; i < 4; i++) posts.push(await create(future({ content: `bulk ${i}` })));
    for (const [i, post] of posts.entries()) await setState(post.id, 'failed', t0 + i * 60_000);
    const window = { failed_since: '2030-01-01T00:01:00Z', failed_until: '2030-01-01T00:03:00Z', scheduled_at: '2040-06-01T00:00:00Z' };

    const dry = await p.api('POST', '/api/v1/posts:retry-failed', { body: { ...window, platform: 'pinterest', dry_run: true } });
    expect(dry.status).toBe(200);
    expect(await dry.json()).toEqual({
      dry_run: true,
      posts: 2,
      deliveries: 2,
      post_ids: [posts[1]!.id, posts[2]!.id],
      delivery_ids: [posts[1]!.deliveries[0]!.id, posts[2]!.deliveries[0]!.id],
    });
    expect((await getPost(p, posts[1]!.id)).status).toBe('failed');

    const limited = await (await p.api('POST', '/api/v1/posts:retry-failed', { body: { ...window, limit: 1 } })).json();
    expect(limited).toMatchObject({ dry_run: false, posts: 1, post_ids: [posts[1]!.id] });
    expect((await getPost(p, posts[1]!.id)).deliveries[0]!.status).toBe('scheduled');
    expect((await getPost(p, posts[2]!.id)).deliveries[0]!.status).toBe('failed');

    const account = (await getPost(p, posts[0]!.id)).deliveries[0]!;
    const rest = await (
      await p.api('POST', '/api/v1/posts:retry-failed', {
        body: {
          failed_since: '2030-01-01T00:00:00Z',
          failed_until: '2030-01-01T00:10:00Z',
          scheduled_at: '2040-06-01T00:00:00Z',
          account_id: (account as unknown as { account_id: string }).account_id,
        },
      })
    ).json();
    expect(rest.post_ids).toEqual([posts[0]!.id, posts[2]!.id, posts[3]!.id]);
    expect(
      (
        await (
          await p.api('POST', '/api/v1/posts:retry-failed', { body: { failed_since: '2030-01-01T00:00:00Z', failed_until: '2030-01-01T00:10:00Z' } })
        ).json()
      ).posts,
    ).toBe(0);

    const bad = await p.api('POST', '/api/v1/posts:retry-failed', {
      body: { platform: 'myspace', failed_since: '2030-01-02T00:00:00Z', failed_until: '2030-01-01T00:00:00Z' },
    });
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors[0].field).toBe('platform');
    const backwards = await p.api('POST', '/api/v1/posts:retry-failed', {
      body: { failed_since: '2030-01-02T00:00:00Z', failed_until: '2030-01-01T00:00:00Z' },
    });
    expect((await backwards.json()).errors).toEqual([{ field: 'failed_until', message: 'must be after failed_since' }]);
  });
});
