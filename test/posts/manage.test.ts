import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount, startImageServer } from '../helpers/posts.js';

describe.each(DIALECTS)('listing, changing and cancelling posts on %s', (dialect) => {
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  beforeAll(async () => {
    p = await startTestPinion({ dialect, sandbox: {} });
    images = await startImageServer();
    await pinterestAccount(p);
  });
  afterAll(async () => {
    await p?.close();
    await images?.close();
  });
  const body = (at: string, content = 'c') => ({
    content,
    platforms: ['pinterest'],
    media_url: `${images.url}/good.jpg`,
    scheduled_at: at,
    platform_options: { pinterest: { board: 'Products' } },
  });
  const create = async (at: string, content?: string) => (await (await p.api('POST', '/api/v1/posts', { body: body(at, content) })).json()) as { id: string };

  it('lists posts in due order with a cursor that neither skips nor repeats, and filters by time and status', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await create(`2032-01-0${1 + (i % 3)}T10:00:00Z`, `post ${i}`)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await p.api('GET', `/api/v1/posts?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      const page = (await res.json()) as { data: Array<{ id: string; scheduled_at: string }>; next_cursor: string | null };
      seen.push(...page.data.map((d) => d.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.sort()).toEqual([...ids].sort());
    const jan2 = await (await p.api('GET', '/api/v1/posts?from=2032-01-02T00:00:00Z&to=2032-01-03T00:00:00Z')).json();
    expect(jan2.data.length).toBe(2);
    expect(jan2.data.every((d: { scheduled_at: string }) => d.scheduled_at.startsWith('2032-01-02'))).toBe(true);
    expect((await (await p.api('GET', '/api/v1/posts?status=published')).json()).data).toEqual([]);
    expect((await p.api('GET', '/api/v1/posts?cursor=garbage')).status).toBe(400);
  });

  it('changes a scheduled post and re-checks it', async () => {
    const { id } = await create('2033-03-03T10:00:00Z');
    const res = await p.api('PATCH', `/api/v1/posts/${id}`, {
      body: { scheduled_at: '2033-04-04T10:00:00Z', platform_options: { pinterest: { board: 'Products', title: 'New title' } } },
    });
    expect(res.status).toBe(200);
    const changed = await res.json();
    expect(changed.scheduled_at).toBe('2033-04-04T10:00:00.000Z');
    expect(changed.deliveries[0].payload.title).toBe('New title');
    const bad = await p.api('PATCH', `/api/v1/posts/${id}`, { body: { platform_options: { pinterest: { board: 'Products', title: 'x'.repeat(101) } } } });
    expect(bad.status).toBe(422);
    expect((await (await p.api('GET', `/api/v1/posts/${id}`)).json()).deliveries[0].payload.title).toBe('New title');
  });

  it('cancels a scheduled post, and refuses to change one already publishing', async () => {
    const { id } = await create('2033-05-05T10:00:00Z');
    const cancelled = await (await p.api('POST', `/api/v1/posts/${id}/cancel`)).json();
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.deliveries[0].status).toBe('cancelled');

    const busy = await create('2033-06-06T10:00:00Z');
    await p.store.db
      .updateTable('deliveries')
      .set({ status: 'publishing', lease_owner: 'someone', lease_until: Date.now() + 60_000 })
      .where('post_id', '=', busy.id)
      .execute();
    const change = await p.api('PATCH', `/api/v1/posts/${busy.id}`, { body: { content: 'too late' } });
    expect(change.status).toBe(409);
    expect((await p.api('POST', `/api/v1/posts/${busy.id}/cancel`)).status).toBe(409);
  });

  it("keeps another workspace's posts invisible", async () => {
    const { id } = await create('2033-07-07T10:00:00Z');
    const other = await p.newKey('other-ws');
    expect((await p.api('GET', `/api/v1/posts/${id}`, { key: other })).status).toBe(404);
    expect((await p.api('POST', `/api/v1/posts/${id}/cancel`, { key: other })).status).toBe(404);
    expect((await (await p.api('GET', '/api/v1/posts', { key: other })).json()).data).toEqual([]);
    const noAccount = await p.api('POST', '/api/v1/posts', { key: other, body: body('2033-07-07T10:00:00Z') });
    expect((await noAccount.json()).errors[0]).toMatchObject({
      field: 'platforms.0',
      message: 'no Pinterest account is connected to this workspace; connect one with POST /api/v1/accounts/connect {"platform":"pinterest"}',
    });
  });
});
