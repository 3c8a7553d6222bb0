import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, userClient } from './support.js';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: { org_write: { limit: 10_000, windowSeconds: 60 } }, perSecondLimit: { limit: 10_000, windowSeconds: 1 } });
});
afterAll(() => sandbox.close());

describe('boards', () => {
  it('creates, reads, updates and deletes a board', async () => {
    const { client, user } = userClient(sandbox.sandbox, sandbox.url);
    const created = await client.call('POST', '/v5/boards', { name: 'Recipes', description: 'Food', privacy: 'SECRET' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Recipes', description: 'Food', privacy: 'SECRET', owner: { username: user.username }, pin_count: 0 });
    expect(created.body.id).toMatch(/^\d+$/);

    const got = await client.call('GET', `/v5/boards/${created.body.id}`);
    expect(got.body.name).toBe('Recipes');

    const patched = await client.call('PATCH', `/v5/boards/${created.body.id}`, { name: 'Dinners', privacy: 'PUBLIC' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Dinners', privacy: 'PUBLIC' });

    expect((await client.call('DELETE', `/v5/boards/${created.body.id}`)).status).toBe(204);
    const gone = await client.call('GET', `/v5/boards/${created.body.id}`);
    expect(gone.status).toBe(404);
    // As production answers it (pinterest/pinterest-python-sdk http_logs.txt: GET /v5/boards/{id} → 404 code 40).
    expect(gone.body).toEqual({ code: 40, message: 'Board not found.' });
  });

  it('rejects a duplicate board name for the same user but not for another user', async () => {
    const a = userClient(sandbox.sandbox, sandbox.url).client;
    const b = userClient(sandbox.sandbox, sandbox.url).client;
    expect((await a.call('POST', '/v5/boards', { name: 'Travel' })).status).toBe(201);
    const dup = await a.call('POST', '/v5/boards', { name: 'travel ' });
    expect(dup.status).toBe(400);
    expect(dup.body.code).toBe(400);
    expect((await b.call('POST', '/v5/boards', { name: 'Travel' })).status).toBe(201);
    expect((await a.call('POST', '/v5/boards', {})).status).toBe(400);
  });

  it("hides another user's boards", async () => {
    const a = userClient(sandbox.sandbox, sandbox.url).client;
    const b = userClient(sandbox.sandbox, sandbox.url).client;
    const board = await a.call('POST', '/v5/boards', { name: 'Mine' });
    expect((await b.call('GET', `/v5/boards/${board.body.id}`)).status).toBe(404);
    expect((await b.call('GET', '/v5/boards')).body.items).toEqual([]);
  });

  it('pages through more than 250 boards with bookmarks', async () => {
    const { client } = userClient(sandbox.sandbox, sandbox.url);
    for (let i = 0; i < 260; i++) expect((await client.call('POST', '/v5/boards', { name: `Board ${i}` })).status).toBe(201);

    const first = await client.call('GET', '/v5/boards');
    expect(first.body.items).toHaveLength(25);
    expect(typeof first.body.bookmark).toBe('string');

    const seen: string[] = [];
    let bookmark: string | null = null;
    let pages = 0;
    do {
      const query: string = `page_size=250${bookmark ? `&bookmark=${encodeURIComponent(bookmark)}` : ''}`;
      const page = await client.call('GET', `/v5/boards?${query}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((b: { name: string }) => b.name));
      bookmark = page.body.bookmark;
      pages++;
    } while (bookmark !== null);
    expect(pages).toBe(2);
    expect(seen).toHaveLength(260);
    expect(new Set(seen).size).toBe(260);
    expect(seen[0]).toBe('Board 0');
    expect(seen).toEqual([...seen].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase(), 'en')));

    expect((await client.call('GET', '/v5/boards?page_size=251')).status).toBe(400);
    expect((await client.call('GET', '/v5/boards?page_size=0')).status).toBe(400);
    expect((await client.call('GET', '/v5/boards?bookmark=garbage')).status).toBe(400);
  });
});

describe('boards as production lists them', () => {
  it('lists boards by name, not by creation, and writes times in UTC without a zone', async () => {
    const { client } = userClient(sandbox.sandbox, sandbox.url);
    for (const name of ['Workout', 'Hairstyle', '11.29.26', 'mens casual outfits', 'Home Interior']) {
      expect((await client.call('POST', '/v5/boards', { name })).status).toBe(201);
    }
    const list = await client.call('GET', '/v5/boards');
    expect(list.body.items.map((b: { name: string }) => b.name)).toEqual(['11.29.26', 'Hairstyle', 'Home Interior', 'mens casual outfits', 'Workout']);
    const created = list.body.items[0].created_at as string;
    expect(created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(Math.abs(Date.parse(`${created}Z`) - Date.now())).toBeLessThan(10_000);
  });

  it("lists boards oldest first when asked (boardOrder: 'oldest-first')", async () => {
    const other = await startSandbox({ boardOrder: 'oldest-first' });
    try {
      const { client } = userClient(other.sandbox, other.url);
      for (const name of ['Workout', 'Hairstyle']) await client.call('POST', '/v5/boards', { name });
      expect((await client.call('GET', '/v5/boards')).body.items.map((b: { name: string }) => b.name)).toEqual(['Workout', 'Hairstyle']);
    } finally {
      await other.close();
    }
  });

  it('pages by name with bookmarks that survive a deletion', async () => {
    const { client } = userClient(sandbox.sandbox, sandbox.url);
    const ids: Record<string, string> = {};
    for (const name of ['d', 'B', 'a', 'C', 'e']) ids[name] = (await client.call('POST', '/v5/boards', { name })).body.id;
    const first = await client.call('GET', '/v5/boards?page_size=2');
    expect(first.body.items.map((b: { name: string }) => b.name)).toEqual(['a', 'B']);
    await client.call('DELETE', `/v5/boards/${ids['B']}`);
    const second = await client.call('GET', `/v5/boards?page_size=2&bookmark=${encodeURIComponent(first.body.bookmark)}`);
    expect(second.body.items.map((b: { name: string }) => b.name)).toEqual(['C', 'd']);
  });

  it('leaves a new board out of the list for listLagMs, while reading it by id works at once', async () => {
    const lagging = await startSandbox({ listLagMs: 400 });
    try {
      const { client } = userClient(lagging.sandbox, lagging.url);
      const board = (await client.call('POST', '/v5/boards', { name: 'Fresh' })).body;
      expect((await client.call('GET', `/v5/boards/${board.id}`)).status).toBe(200);
      expect((await client.call('GET', '/v5/boards')).body.items).toEqual([]);
      await new Promise((r) => setTimeout(r, 450));
      expect((await client.call('GET', '/v5/boards')).body.items.map((b: { id: string }) => b.id)).toEqual([board.id]);
    } finally {
      await lagging.close();
    }
  });
});

describe('board sections', () => {
  it('creates, lists, renames and deletes sections, enforcing the 1..180 name length', async () => {
    const { client } = userClient(sandbox.sandbox, sandbox.url);
    const board = (await client.call('POST', '/v5/boards', { name: 'Sectioned' })).body;
    const created = await client.call('POST', `/v5/boards/${board.id}/sections`, { name: 'Starters' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^\d+$/), name: 'Starters' });

    expect((await client.call('POST', `/v5/boards/${board.id}/sections`, { name: '' })).status).toBe(400);
    expect((await client.call('POST', `/v5/boards/${board.id}/sections`, { name: 'x'.repeat(181) })).status).toBe(400);
    expect((await client.call('POST', `/v5/boards/${board.id}/sections`, { name: 'x'.repeat(180) })).status).toBe(201);
    expect((await client.call('POST', `/v5/boards/${board.id}/sections`, { name: 'Starters' })).status).toBe(409);

    const list = await client.call('GET', `/v5/boards/${board.id}/sections`);
    expect(list.body.items.map((s: { name: string }) => s.name)).toEqual(['Starters', 'x'.repeat(180)]);
    expect(list.body.bookmark).toBeNull();

    const renamed = await client.call('PATCH', `/v5/boards/${board.id}/sections/${created.body.id}`, { name: 'Mains' });
    expect(renamed.body).toEqual({ id: created.body.id, name: 'Mains' });

    expect((await client.call('DELETE', `/v5/boards/${board.id}/sections/${created.body.id}`)).status).toBe(204);
    expect((await client.call('DELETE', `/v5/boards/${board.id}/sections/${created.body.id}`)).status).toBe(404);
    expect((await client.call('GET', `/v5/boards/${board.id}/sections/${created.body.id}/pins`)).status).toBe(404);
  });
});

describe('user account', () => {
  it('returns the token owner with counts', async () => {
    const { client, user } = userClient(sandbox.sandbox, sandbox.url);
    await client.call('POST', '/v5/boards', { name: 'One' });
    const me = await client.call('GET', '/v5/user_account');
    expect(me.body).toMatchObject({ id: user.id, username: user.username, account_type: 'BUSINESS', board_count: 1, pin_count: 0 });
  });

  it('answers unknown /v5 routes with a 404 error body', async () => {
    const { client } = userClient(sandbox.sandbox, sandbox.url);
    const missing = await client.call('GET', '/v5/nothing/here');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ code: 404, message: expect.any(String) });
  });
});
