import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount, startImageServer } from '../helpers/posts.js';

describe.each(DIALECTS)('campaigns on %s', (dialect) => {
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  beforeAll(async () => {
    images = await startImageServer();
    p = await startTestPinion({ dialect, sandbox: {} });
    await pinterestAccount(p);
  });
  afterAll(async () => {
    await p?.close();
    await images?.close();
  });
  const post = (extra: Record<string, unknown> = {}) => ({
    content: 'In a campaign',
    platforms: ['pinterest'],
    media_url: `${images.url}/good.jpg`,
    scheduled_at: '2040-03-01T10:00:00Z',
    platform_options: { pinterest: { board: 'Products' } },
    ...extra,
  });
  const campaign = async (name: string, extra: Record<string, unknown> = {}) => {
    const res = await p.api('POST', '/api/v1/campaigns', { body: { name, ...extra } });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; name: string };
  };
  const idsIn = async (campaignId: string) =>
    ((await (await p.api('GET', `/api/v1/posts?campaign_id=${campaignId}`)).json()).data as Array<{ id: string }>).map((x) => x.id);

  it('creates, reads, changes, pages through and deletes campaigns', async () => {
    const spring = await campaign('Spring sale', { description: 'Aprons and linens', color: '#A1B2C3' });
    expect(spring).toMatchObject({
      id: expect.stringMatching(/^cmp_/),
      name: 'Spring sale',
      description: 'Aprons and linens',
      color: '#a1b2c3',
      post_count: 0,
    });
    expect(await (await p.api('GET', `/api/v1/campaigns/${spring.id}`)).json()).toEqual(spring);

    const changed = await (await p.api('PATCH', `/api/v1/campaigns/${spring.id}`, { body: { name: 'Spring', color: null } })).json();
    expect(changed).toMatchObject({ name: 'Spring', description: 'Aprons and linens', color: null });

    for (const name of ['B', 'C', 'D']) await campaign(name);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (await p.api('GET', `/api/v1/campaigns?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).json()) as {
        data: Array<{ name: string }>;
        next_cursor: string | null;
      };
      seen.push(...page.data.map((c) => c.name));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.slice(0, 4)).toEqual(['Spring', 'B', 'C', 'D']);

    const bad = await p.api('POST', '/api/v1/campaigns', { body: { name: '', color: 'red', extra: 1 } });
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors.map((e: { field: string }) => e.field).sort()).toEqual(['color', 'extra', 'name']);
    expect((await p.api('PATCH', `/api/v1/campaigns/${spring.id}`, { body: {} })).status).toBe(422);
    expect((await p.api('GET', '/api/v1/campaigns?cursor=nonsense')).status).toBe(400);

    expect((await p.api('DELETE', `/api/v1/campaigns/${spring.id}`)).status).toBe(200);
    expect((await p.api('GET', `/api/v1/campaigns/${spring.id}`)).status).toBe(404);
  });

  it('puts posts in a campaign when made, in bulk, from CSV and by PATCH, and lists them by campaign', async () => {
    const launch = await campaign('Launch');
    const single = await (await p.api('POST', '/api/v1/posts', { body: post({ campaign_id: launch.id }) })).json();
    expect(single.campaign_id).toBe(launch.id);
    expect(single.request.campaign_id).toBeUndefined();

    const bulk = await (await p.api('POST', '/api/v1/posts:bulk', { body: { posts: [post({ campaign_id: launch.id }), post()] } })).json();
    expect(bulk.data.map((x: { campaign_id: string | null }) => x.campaign_id)).toEqual([launch.id, null]);

    const csv = `content,platforms,media_url,scheduled_at,board,campaign_id\nFrom CSV,pinterest,${images.url}/good.jpg,2040-03-02T10:00:00Z,Products,${launch.id}\n`;
    const imported = await (await p.api('POST', '/api/v1/posts:import', { body: csv, headers: { 'content-type': 'text/csv' } })).json();
    expect(imported.data[0].campaign_id).toBe(launch.id);

    // Moving a post: a PATCH of the campaign alone, in any state; with other fields it keeps the campaign unless told.
    const loose = bulk.data[1].id as string;
    expect((await (await p.api('PATCH', `/api/v1/posts/${loose}`, { body: { campaign_id: launch.id } })).json()).campaign_id).toBe(launch.id);
    expect((await (await p.api('PATCH', `/api/v1/posts/${loose}`, { body: { content: 'Edited' } })).json()).campaign_id).toBe(launch.id);
    await p.store.db
      .updateTable('deliveries')
      .set({ status: 'published', external_id: '1', published_at: Date.now() })
      .where('post_id', '=', single.id)
      .execute();
    expect((await (await p.api('PATCH', `/api/v1/posts/${single.id}`, { body: { campaign_id: null } })).json()).campaign_id).toBeNull();
    expect((await p.api('PATCH', `/api/v1/posts/${single.id}`, { body: { campaign_id: launch.id } })).status).toBe(200);

    expect((await idsIn(launch.id)).sort()).toEqual([single.id, bulk.data[0].id, imported.data[0].id, loose].sort());
    expect((await (await p.api('GET', `/api/v1/campaigns/${launch.id}`)).json()).post_count).toBe(4);
  });

  it('refuses a campaign of another workspace or none, and keeps campaigns to their workspace', async () => {
    const mine = await campaign('Mine');
    const other = await p.newKey('other-campaigns');
    expect((await p.api('GET', `/api/v1/campaigns/${mine.id}`, { key: other })).status).toBe(404);
    expect((await (await p.api('GET', '/api/v1/campaigns', { key: other })).json()).data).toEqual([]);
    expect((await p.api('DELETE', `/api/v1/campaigns/${mine.id}`, { key: other })).status).toBe(404);
    const theirs = (await (await p.api('POST', '/api/v1/campaigns', { key: other, body: { name: 'Theirs' } })).json()) as { id: string };
    for (const campaign_id of ['cmp_nope', theirs.id]) {
      const res = await p.api('POST', '/api/v1/posts', { body: post({ campaign_id }) });
      expect(res.status).toBe(422);
      expect((await res.json()).errors).toContainEqual({ field: 'campaign_id', message: expect.stringMatching(/is not a campaign of this workspace/) });
    }
    const { id } = await (await p.api('POST', '/api/v1/posts', { body: post() })).json();
    expect((await p.api('PATCH', `/api/v1/posts/${id}`, { body: { campaign_id: 'cmp_nope' } })).status).toBe(422);
    const bulk = await p.api('POST', '/api/v1/posts:bulk', { body: { posts: [post(), post({ campaign_id: 'cmp_nope' })] } });
    expect((await bulk.json()).errors).toEqual([{ field: 'posts.1.campaign_id', index: 1, message: expect.any(String) }]);
  });

  it('refuses to delete a campaign that has posts unless asked to detach them', async () => {
    const full = await campaign('Full');
    const { id } = await (await p.api('POST', '/api/v1/posts', { body: post({ campaign_id: full.id }) })).json();
    const refused = await p.api('DELETE', `/api/v1/campaigns/${full.id}`);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({
      type: 'urn:pinion:problem:campaign-in-use',
      detail: expect.stringMatching(/still has 1 post; .*detach_posts=true/),
    });
    const res = await p.api('DELETE', `/api/v1/campaigns/${full.id}?detach_posts=true`);
    expect(await res.json()).toEqual({ deleted: true, detached_posts: 1 });
    expect((await (await p.api('GET', `/api/v1/posts/${id}`)).json()).campaign_id).toBeNull();

    // A deleted post does not keep its campaign alive.
    const emptied = await campaign('Emptied');
    const gone = await (await p.api('POST', '/api/v1/posts', { body: post({ campaign_id: emptied.id }) })).json();
    await p.api('DELETE', `/api/v1/posts/${gone.id}`);
    expect((await p.api('DELETE', `/api/v1/campaigns/${emptied.id}`)).status).toBe(200);
  });
});
