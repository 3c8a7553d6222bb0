import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount, startImageServer } from '../helpers/posts.js';

type Result = {
  index: number;
  line?: number;
  status: string;
  post?: { id: string; request: { content: string } };
  problem?: { status: number; type: string; errors?: Array<{ field: string }> };
};

describe.each(DIALECTS)('bulk create, all or none and per item, on %s', (dialect) => {
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
  const one = (content: string, extra: Record<string, unknown> = {}) => ({
    content,
    platforms: ['pinterest'],
    media_url: `${images.url}/good.jpg`,
    scheduled_at: '2036-01-01T00:00:00Z',
    platform_options: { pinterest: { board: 'Products', ...extra } },
  });
  const count = async () => (await (await p.api('GET', '/api/v1/posts?limit=200')).json()).data.length;
  const batch = () => [one('first'), one('too long', { title: 'x'.repeat(101) }), one('third')];

  it('stores nothing when one post is invalid, by default and with mode all_or_none', async () => {
    const before = await count();
    for (const mode of [undefined, 'all_or_none']) {
      const res = await p.api('POST', '/api/v1/posts:bulk', { body: { posts: batch(), ...(mode && { mode }) } });
      expect(res.status).toBe(422);
      expect((await res.json()).errors.map((e: { field: string }) => e.field)).toEqual(['posts.1.platform_options.pinterest.title']);
    }
    expect(await count()).toBe(before);
  });

  it('stores each valid post on its own with mode per_item, and tells each post’s outcome', async () => {
    const before = await count();
    const res = await p.api('POST', '/api/v1/posts:bulk', { body: { posts: batch(), mode: 'per_item' }, headers: { 'idempotency-key': 'per-item-1' } });
    expect(res.status).toBe(201);
    const answer = (await res.json()) as { data: Array<{ id: string }>; results: Result[] };
    expect(answer.results.map((r) => [r.index, r.status])).toEqual([
      [0, 'created'],
      [1, 'invalid'],
      [2, 'created'],
    ]);
    expect(answer.results[0]!.post!.request.content).toBe('first');
    expect(answer.results[1]!.problem).toMatchObject({
      status: 422,
      type: 'urn:pinion:problem:validation',
      errors: [{ field: 'posts.1.platform_options.pinterest.title' }],
    });
    expect(answer.results[1]!.post).toBeUndefined();
    expect(answer.data.map((x) => x.id)).toEqual([answer.results[0]!.post!.id, answer.results[2]!.post!.id]);
    expect(await count()).toBe(before + 2);

    // The same key again: the stored posts replay, the refused one is tried again (and fixed, stored now).
    const fixed = batch();
    fixed[1] = one('too long', { title: 'Short now' });
    const again = await p.api('POST', '/api/v1/posts:bulk', { body: { posts: fixed, mode: 'per_item' }, headers: { 'idempotency-key': 'per-item-1' } });
    expect(again.status).toBe(201);
    const second = (await again.json()) as { results: Result[] };
    expect(second.results.map((r) => r.status)).toEqual(['replayed', 'created', 'replayed']);
    expect(second.results[0]!.post!.id).toBe(answer.results[0]!.post!.id);
    expect(await count()).toBe(before + 3);

    const replay = await p.api('POST', '/api/v1/posts:bulk', { body: { posts: fixed, mode: 'per_item' }, headers: { 'idempotency-key': 'per-item-1' } });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');

    // A key used with another post conflicts for that post only.
    const changed = [one('first, changed'), fixed[1]!, fixed[2]!];
    const conflict = (await (
      await p.api('POST', '/api/v1/posts:bulk', { body: { posts: changed, mode: 'per_item' }, headers: { 'idempotency-key': 'per-item-1' } })
    ).json()) as { results: Result[] };
    expect(conflict.results.map((r) => r.status)).toEqual(['conflict', 'replayed', 'replayed']);
    expect(conflict.results[0]!.problem).toMatchObject({ status: 409, type: 'urn:pinion:problem:idempotency-conflict' });
    expect(await count()).toBe(before + 3);
  });

  it('answers 200 with every post refused when none is valid, per item', async () => {
    const res = await p.api('POST', '/api/v1/posts:bulk', { body: { posts: [one('bad', { board: 'Nowhere' })], mode: 'per_item' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { results: Result[] }).results).toMatchObject([
      { index: 0, status: 'invalid', problem: { errors: [{ field: 'posts.0.platform_options.pinterest.board' }] } },
    ]);
    expect((await p.api('POST', '/api/v1/posts:bulk', { body: { posts: [one('x')], mode: 'some' } })).status).toBe(422);
  });

  it('imports a CSV row by row with mode=per_item, naming each row’s line', async () => {
    const csv = [
      'content,platforms,media_url,scheduled_at,board',
      `Good,pinterest,${images.url}/good.jpg,2036-02-01T10:00:00Z,Products`,
      `Lost,pinterest,${images.url}/good.jpg,2036-02-01T10:00:00Z,Attic`,
    ].join('\n');
    const res = await p.api('POST', '/api/v1/posts:import?mode=per_item', { body: csv, headers: { 'content-type': 'text/csv' } });
    expect(res.status).toBe(201);
    const results = ((await res.json()) as { results: Result[] }).results;
    expect(results.map((r) => [r.index, r.line, r.status])).toEqual([
      [0, 2, 'created'],
      [1, 3, 'invalid'],
    ]);
    expect(results[1]!.problem!.errors).toMatchObject([{ field: 'board' }]);
  });
});
