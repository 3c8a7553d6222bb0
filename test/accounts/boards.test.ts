import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { connectedAccount } from '../helpers/connect.js';

describe.each(DIALECTS)('boards and sections on %s', (dialect) => {
  let p: TestPinion;
  let accountId: string;
  beforeAll(async () => {
    p = await startTestPinion({ dialect, sandbox: {} });
    accountId = (await connectedAccount(p, 'board_keeper')).id;
  });
  afterAll(async () => p?.close());
  const boards = (query = '') => p.api('GET', `/api/v1/accounts/${accountId}/boards${query}`);

  it('creates a board and finds it by id or by name', async () => {
    const res = await p.api('POST', `/api/v1/accounts/${accountId}/boards`, { body: { name: 'Summer Recipes', description: 'Cold soups', privacy: 'PUBLIC' } });
    expect(res.status).toBe(201);
    const board = await res.json();
    expect(board).toMatchObject({ id: expect.stringMatching(/^\d+$/), name: 'Summer Recipes', privacy: 'PUBLIC' });
    expect(await (await p.api('GET', `/api/v1/accounts/${accountId}/boards/${board.id}`)).json()).toMatchObject({ name: 'Summer Recipes' });
    expect(await (await p.api('GET', `/api/v1/accounts/${accountId}/boards/${encodeURIComponent('summer recipes')}`)).json()).toMatchObject({ id: board.id });
    const missing = await p.api('GET', `/api/v1/accounts/${accountId}/boards/Winter`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await missing.json()).detail).toMatch(/^No board "Winter" on account board_keeper \(closest: Summer Recipes/);
  });

  it('lists every board across pages, from the cache until asked to refresh', async () => {
    const user = p.sandbox!.state.findUserByUsername('board_keeper')!;
    const before = p.sandbox!.stats().operations['GET /v5/boards'] ?? 0;
    await boards(); // from the cache the first test filled
    for (let i = 0; i < 300; i++) {
      const id = p.sandbox!.state.newId();
      p.sandbox!.state.boards.set(id, {
        id,
        ownerId: user.id,
        name: `Board ${String(i).padStart(3, '0')}`,
        description: null,
        privacy: 'PUBLIC',
        isAdsOnly: false,
        createdAt: new Date(),
        pinsModifiedAt: new Date(),
      });
    }
    const cached = await (await boards()).json();
    expect(cached.data.length).toBe(1);
    const fresh = await (await boards('?refresh=true')).json();
    expect(fresh.data.length).toBe(301);
    expect(new Set(fresh.data.map((b: { id: string }) => b.id)).size).toBe(301);
    // 301 boards at 250 a page: two calls, both for the refresh; the cached lists cost none.
    expect((p.sandbox!.stats().operations['GET /v5/boards'] ?? 0) - before).toBe(2);
  });

  it('finds a board made on Pinterest after the cache was filled, by name', async () => {
    const user = p.sandbox!.state.findUserByUsername('board_keeper')!;
    const id = p.sandbox!.state.newId();
    p.sandbox!.state.boards.set(id, {
      id,
      ownerId: user.id,
      name: 'Made Elsewhere',
      description: null,
      privacy: 'SECRET',
      isAdsOnly: false,
      createdAt: new Date(),
      pinsModifiedAt: new Date(),
    });
    const res = await p.api('GET', `/api/v1/accounts/${accountId}/boards/Made%20Elsewhere`);
    expect(res.status).toBe(200);
    expect((await res.json()).id).toBe(id);
  });

  it('creates and lists sections of a board addressed by name', async () => {
    const created = await p.api('POST', `/api/v1/accounts/${accountId}/boards/Summer%20Recipes/sections`, { body: { name: 'Gazpacho' } });
    expect(created.status).toBe(201);
    const section = await created.json();
    expect(section).toMatchObject({ id: expect.stringMatching(/^\d+$/), name: 'Gazpacho' });
    const list = await (await p.api('GET', `/api/v1/accounts/${accountId}/boards/Summer%20Recipes/sections`)).json();
    expect(list.data).toEqual([section]);
    const invalid = await p.api('POST', `/api/v1/accounts/${accountId}/boards/Summer%20Recipes/sections`, { body: { name: '' } });
    expect(invalid.status).toBe(422);
  });

  it("passes the platform's refusal through as a problem", async () => {
    const dup = await p.api('POST', `/api/v1/accounts/${accountId}/boards`, { body: { name: 'Summer Recipes' } });
    expect(dup.status).toBe(422);
    const problem = await dup.json();
    expect(problem.type).toBe('urn:pinion:problem:platform-rejected');
    expect(problem.detail).toMatch(/Pinterest POST \/boards/);
  });
});

describe("boards while Pinterest's lists lag its writes", () => {
  let p: TestPinion | undefined;
  afterAll(async () => p?.close());

  it('posts to a board made a moment ago by name, though the list does not show it yet', async () => {
    p = await startTestPinion({ sandbox: { listLagMs: 2000 } });
    const account = await connectedAccount(p, 'quick_poster');
    expect((await p.api('POST', `/api/v1/accounts/${account.id}/boards`, { body: { name: 'Fresh' } })).status).toBe(201);
    // The first listing of this account's boards happens now, while Pinterest's list still lacks the new board.
    const listed = await (await p.api('GET', `/api/v1/accounts/${account.id}/boards?refresh=true`)).json();
    expect(listed.data.map((b: { name: string }) => b.name)).toEqual(['Fresh']);
    const post = await p.api('POST', '/api/v1/posts', {
      body: { content: 'Hi', platforms: ['pinterest'], media_url: 'https://cdn.example/x.jpg', platform_options: { pinterest: { board: 'Fresh' } } },
    });
    expect((await post.json()).errors ?? []).not.toContainEqual(expect.objectContaining({ field: expect.stringMatching(/board/) }));
  });
});
