import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount, startImageServer } from '../helpers/posts.js';

type Page = { data: Array<{ id: string; scheduled_at: string; created_at: string }>; next_cursor: string | null };

describe.each(DIALECTS)('searching, filtering and sorting posts on %s', (dialect) => {
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  let key: string;
  let accountId: string;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    images = await startImageServer();
    p = await startTestPinion({ dialect, sandbox: {} });
    // A workspace of its own, so the posts here are the only ones listed.
    key = await p.newKey('listing');
    ({
      account: { id: accountId },
    } = await pinterestAccount(p, 'lister', 'Products', key));
    const make = async (name: string, at: string, content: string, options: Record<string, unknown> = {}, link?: string) => {
      const body = {
        content,
        platforms: ['pinterest'],
        media_url: `${images.url}/good.jpg`,
        scheduled_at: at,
        ...(link && { link }),
        platform_options: { pinterest: { board: 'Products', ...options } },
      };
      const res = await p.api('POST', '/api/v1/posts', { key, body });
      expect(res.status).toBe(201);
      ids[name] = (await res.json()).id;
    };
    await make('apron', '2040-01-03T10:00:00Z', 'Indigo linen APRON', { title: 'Kitchen classic' }, 'https://shop.example/apron');
    await make('towel', '2040-01-01T10:00:00Z', 'Tea towel, 100% cotton', { title: 'Towel_set' });
    await make('mug', '2040-01-02T10:00:00Z', 'A mug for the board room', {}, 'https://mugs.example/blue');
    await make('cloth', '2040-01-02T10:00:00Z', 'Table cloth');
    // As the worker leaves them once published: the towel first, then the mug.
    const published = { towel: Date.UTC(2040, 0, 1, 10, 5), mug: Date.UTC(2040, 0, 2, 10, 5) };
    for (const [name, at] of Object.entries(published)) {
      await p.store.db.updateTable('deliveries').set({ status: 'published', published_at: at, external_id: name }).where('post_id', '=', ids[name]!).execute();
      await p.store.db.updateTable('posts').set({ status: 'published' }).where('id', '=', ids[name]!).execute();
    }
  });
  afterAll(async () => {
    await p?.close();
    await images?.close();
  });
  const list = async (query: string): Promise<Page> => {
    const res = await p.api('GET', `/api/v1/posts?${query}`, { key });
    expect(res.status, query).toBe(200);
    return (await res.json()) as Page;
  };
  const names = (page: Page) => page.data.map((x) => Object.keys(ids).find((n) => ids[n] === x.id));
  /** Every page of a listing, following next_cursor. */
  const all = async (query: string, limit = 1) => {
    const out: Array<string | undefined> = [];
    let cursor: string | null = null;
    do {
      const page = await list(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      out.push(...names(page));
      cursor = page.next_cursor;
    } while (cursor);
    return out;
  };

  it('searches text, titles and links, case-insensitively, taking wildcards literally and never matching field names', async () => {
    expect(names(await list('q=apron'))).toEqual(['apron']);
    expect(names(await list('q=KITCHEN'))).toEqual(['apron']);
    expect(names(await list('q=mugs.example'))).toEqual(['mug']);
    expect(names(await list('q=100%25'))).toEqual(['towel']);
    expect(names(await list('q=l_n'))).toEqual([]);
    expect(names(await list('q=towel_'))).toEqual(['towel']);
    // "board" is an option of every post here, and the text of one.
    expect(names(await list('q=board'))).toEqual(['mug']);
  });

  it('sorts by due, creation or publishing time either way, with cursors that neither skip nor repeat', async () => {
    expect(await all('sort=scheduled_at')).toEqual(['towel', ...[ids.mug, ids.cloth].sort().map((id) => (id === ids.mug ? 'mug' : 'cloth')), 'apron']);
    expect(await all('sort=scheduled_at&order=desc')).toEqual([
      'apron',
      ...[ids.mug, ids.cloth]
        .sort()
        .reverse()
        .map((id) => (id === ids.mug ? 'mug' : 'cloth')),
      'towel',
    ]);
    expect(await all('sort=created_at', 2)).toEqual(['apron', 'towel', 'mug', 'cloth']);
    expect(await all('sort=created_at&order=desc', 3)).toEqual(['cloth', 'mug', 'towel', 'apron']);
    // Posts not published yet come last either way.
    const unpublished = [ids.apron, ids.cloth].sort().map((id) => (id === ids.apron ? 'apron' : 'cloth'));
    expect(await all('sort=published_at')).toEqual(['towel', 'mug', ...unpublished]);
    expect(await all('sort=published_at&order=desc')).toEqual(['mug', 'towel', ...unpublished.reverse()]);
  });

  it('filters by due, creation and publishing ranges, account, platform and status together', async () => {
    expect(names(await list('scheduled_from=2040-01-02T00:00:00Z&scheduled_to=2040-01-03T00:00:00Z&q=mug'))).toEqual(['mug']);
    expect((await list('from=2040-01-02T00:00:00Z&to=2040-01-03T00:00:00Z')).data).toHaveLength(2);
    expect(names(await list('published_from=2040-01-02T00:00:00Z'))).toEqual(['mug']);
    expect(names(await list('published_to=2040-01-02T00:00:00Z'))).toEqual(['towel']);
    const created = (await list('sort=created_at')).data;
    expect(
      names(await list(`created_from=${encodeURIComponent(created[1]!.created_at)}&created_to=${encodeURIComponent(created[3]!.created_at)}&sort=created_at`)),
    ).toEqual(['towel', 'mug']);
    expect(names(await list('created_from=2099-01-01T00:00:00Z'))).toEqual([]);
    expect((await list(`account_id=${accountId}&platform=pinterest&status=scheduled`)).data).toHaveLength(2);
    expect((await list('account_id=acc_someone_else')).data).toEqual([]);
  });

  it('searches a changed post by its new text', async () => {
    const res = await p.api('PATCH', `/api/v1/posts/${ids.cloth}`, { key, body: { content: 'Linen napkins' } });
    expect(res.status).toBe(200);
    expect(names(await list('q=napkin'))).toEqual(['cloth']);
    expect(names(await list('q=table cloth'))).toEqual([]);
  });

  it('refuses bad filter values with a 400 naming each field', async () => {
    const refused = async (query: string, fields: string[]) => {
      const res = await p.api('GET', `/api/v1/posts?${query}`, { key });
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(((await res.json()).errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual(fields);
    };
    await refused('sort=popularity', ['sort']);
    await refused('order=up', ['order']);
    await refused('created_from=yesterday', ['created_from']);
    await refused('platform=myspace', ['platform']);
    await refused('published_from=2040-01-02T00:00:00Z&published_to=2040-01-01T00:00:00Z', ['published_to']);
    await refused('from=2040-01-02T00:00:00Z&scheduled_from=2040-01-01T00:00:00Z', ['from']);
    await refused('q=', ['q']);
    const cursor = (await list('sort=created_at&limit=1')).next_cursor!;
    await refused(`cursor=${cursor}`, ['cursor']);
    await refused('cursor=garbage', ['cursor']);
  });
});
