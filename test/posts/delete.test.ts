import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { FAST_SCHEDULER, fastPinterest, pinterestAccount, settled, startImageServer } from '../helpers/posts.js';
import { CONNECTORS } from '../../src/connectors/index.js';
import { platformConfig } from '../../src/config/index.js';
import { accountRow } from '../helpers/rows.js';

describe.each(DIALECTS)('deleting posts on %s', (dialect) => {
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  let sandboxUserId: string;
  beforeAll(async () => {
    images = await startImageServer();
    p = await startTestPinion({ dialect, worker: true, sandbox: {}, config: { scheduler: FAST_SCHEDULER, platforms: fastPinterest() } });
    ({ sandboxUserId } = await pinterestAccount(p));
  });
  afterAll(async () => {
    await p?.close();
    await images?.close();
  });
  const body = (extra: Record<string, unknown> = {}) => ({
    content: 'Delete me',
    platforms: ['pinterest'],
    media_url: `${images.url}/good.jpg`,
    platform_options: { pinterest: { board: 'Products' } },
    ...extra,
  });
  const create = async (b: unknown, headers?: Record<string, string>) =>
    (await (await p.api('POST', '/api/v1/posts', { body: b, headers })).json()) as { id: string; deliveries: Array<{ id: string; account_id: string }> };
  const listed = async () => ((await (await p.api('GET', '/api/v1/posts?limit=200')).json()).data as Array<{ id: string }>).map((x) => x.id);
  const pins = () => p.sandbox!.state.pinsOf(sandboxUserId);

  it('cancels a post that has not started and takes it out of listings and lookups', async () => {
    const { id, deliveries } = await create(body({ scheduled_at: '2040-01-01T10:00:00Z' }), { 'idempotency-key': 'delete-me' });
    const res = await p.api('DELETE', `/api/v1/posts/${id}`);
    expect(res.status).toBe(200);
    const answer = await res.json();
    expect(answer.deliveries).toEqual([
      {
        delivery_id: deliveries[0]!.id,
        platform: 'pinterest',
        account_id: deliveries[0]!.account_id,
        result: 'cancelled',
        message: 'Had not started; cancelled',
      },
    ]);
    expect(answer.post).toMatchObject({ id, status: 'cancelled', deleted_at: expect.any(String) });
    expect((await p.api('GET', `/api/v1/posts/${id}`)).status).toBe(404);
    expect(await listed()).not.toContain(id);
    expect((await p.api('POST', `/api/v1/posts/${id}/cancel`)).status).toBe(404);
    expect((await p.api('PATCH', `/api/v1/posts/${id}`, { body: { content: 'back?' } })).status).toBe(404);
    // Its Idempotency-Key stays used: sending the same post again answers what happened to it.
    const again = await p.api('POST', '/api/v1/posts', { body: body({ scheduled_at: '2040-01-01T10:00:00Z' }), headers: { 'idempotency-key': 'delete-me' } });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id, deleted_at: answer.post.deleted_at });
    expect((await p.api('DELETE', '/api/v1/posts/post_00000000000000000000000000')).status).toBe(404);
    expect((await p.api('DELETE', `/api/v1/posts/${id}`, { key: await p.newKey('another') })).status).toBe(404);
  });

  it('refuses while a delivery is being published, as cancel does, and deletes nothing', async () => {
    const { id } = await create(body({ scheduled_at: '2040-01-02T10:00:00Z' }));
    await p.store.db
      .updateTable('deliveries')
      .set({ status: 'publishing', lease_owner: 'someone', lease_until: Date.now() + 60_000 })
      .where('post_id', '=', id)
      .execute();
    const res = await p.api('DELETE', `/api/v1/posts/${id}`);
    expect(res.status).toBe(409);
    expect(res.headers.get('retry-after')).toBeTruthy();
    expect((await res.json()).detail).toMatch(/is being published right now/);
    expect(await listed()).toContain(id);
    await p.store.db.updateTable('deliveries').set({ status: 'cancelled', lease_owner: null, lease_until: null }).where('post_id', '=', id).execute();
  });

  it('leaves a published pin on the platform unless unpublish=true, which deletes it there', async () => {
    const { id } = await create(body());
    const [published] = await settled(p, [id]);
    expect(published!.status).toBe('published');
    const pinId = published!.deliveries[0]!.external_id!;
    expect(pins().map((x) => x.id)).toContain(pinId);

    const kept = await (await p.api('DELETE', `/api/v1/posts/${id}`)).json();
    expect(kept.deliveries[0]).toMatchObject({ result: 'kept', message: expect.stringMatching(/Stays on Pinterest; delete with \?unpublish=true/) });
    expect(kept.post.status).toBe('published');
    expect(pins().map((x) => x.id)).toContain(pinId);
    expect(await listed()).not.toContain(id);

    // Deleted already: sending it again with unpublish=true removes what it left on the platform.
    p.sandbox!.setFaults({ errorRate: 1, only: ['DELETE /v5/pins/{pin_id}'] });
    const failed = await (await p.api('DELETE', `/api/v1/posts/${id}?unpublish=true`)).json();
    expect(failed.deliveries[0]).toMatchObject({
      result: 'unpublish_failed',
      message: expect.stringMatching(/Pinterest did not delete it: .*Send the DELETE again/),
    });
    expect(pins().map((x) => x.id)).toContain(pinId);
    p.sandbox!.setFaults({});

    const res = await p.api('DELETE', `/api/v1/posts/${id}?unpublish=true`);
    expect(res.status).toBe(200);
    const gone = await res.json();
    expect(gone.deliveries[0]).toMatchObject({ result: 'unpublished', message: 'Deleted from Pinterest' });
    expect(gone.post.deliveries[0]).toMatchObject({ status: 'published', external_id: pinId, unpublished_at: expect.any(String) });
    expect(pins().map((x) => x.id)).not.toContain(pinId);
    const twice = await (await p.api('DELETE', `/api/v1/posts/${id}?unpublish=true`)).json();
    expect(twice.deliveries[0].result).toBe('already_unpublished');
  });

  it('tells, per delivery, that a platform without a delete in its API keeps the post, without failing the call', async () => {
    const noRemove = CONNECTORS.find((c) => !c.publisher(platformConfig(p.config, c.facts.id)).remove);
    expect(noRemove, 'a platform whose connector cannot delete posts').toBeDefined();
    const { id, deliveries } = await create(body());
    await settled(p, [id]);
    // An account of that platform with a published post, as publishing there would have left them.
    const now = Date.now();
    const workspaceId = (await p.store.db.selectFrom('posts').select('workspace_id').where('id', '=', id).executeTakeFirstOrThrow()).workspace_id;
    await p.store.db
      .insertInto('accounts')
      .values(accountRow({ id: 'acc_noremove', workspace_id: workspaceId, platform: noRemove!.facts.id, external_id: '9', username: 'other', now }))
      .execute();
    await p.store.db
      .insertInto('deliveries')
      .values({
        id: 'dlv_noremove',
        post_id: id,
        workspace_id: workspaceId,
        account_id: 'acc_noremove',
        platform: noRemove!.facts.id,
        status: 'published',
        payload: '{}',
        scheduled_at: now,
        run_at: now,
        attempts: 1,
        attempt_pending: 0,
        adopted: 0,
        external_id: 'ext-1',
        external_url: 'https://example.com/ext-1',
        published_at: now,
        created_at: now,
        updated_at: now,
      })
      .execute();

    const res = await p.api('DELETE', `/api/v1/posts/${id}?unpublish=true`);
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(((await res.json()).deliveries as Array<{ delivery_id: string }>).map((d) => [d.delivery_id, d]));
    expect(byId[deliveries[0]!.id]).toMatchObject({ result: 'unpublished' });
    expect(byId.dlv_noremove).toMatchObject({
      result: 'not_supported',
      platform: noRemove!.facts.id,
      message: expect.stringMatching(new RegExp(`${noRemove!.facts.name} does not allow deleting posts through its API`)),
    });
    expect((await p.api('GET', `/api/v1/posts/${id}`)).status).toBe(404);
  });
});
