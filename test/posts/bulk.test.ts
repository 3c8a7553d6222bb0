import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount, startImageServer } from '../helpers/posts.js';
import { pinion } from '../helpers/cli.js';
import { fixtures, startMediaServer } from '../media/support.js';

describe('bulk create and CSV import', () => {
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  beforeAll(async () => {
    p = await startTestPinion({ sandbox: {} });
    images = await startImageServer();
    await pinterestAccount(p);
  });
  afterAll(async () => {
    await p?.close();
    await images?.close();
  });
  const one = (i: number, extra: Record<string, unknown> = {}) => ({
    content: `post ${i}`,
    platforms: ['pinterest'],
    media_url: `${images.url}/good.jpg`,
    scheduled_at: '2034-01-01T00:00:00Z',
    platform_options: { pinterest: { board: 'Products', ...extra } },
  });
  const count = async () => (await (await p.api('GET', '/api/v1/posts?limit=200')).json()).data.length;

  it('creates a batch in one request, all or none', async () => {
    const ok = await p.api('POST', '/api/v1/posts:bulk', { body: { posts: [one(1), one(2), one(3)] } });
    expect(ok.status).toBe(201);
    expect((await ok.json()).data).toHaveLength(3);

    const before = await count();
    const bad = await p.api('POST', '/api/v1/posts:bulk', { body: { posts: [one(4), one(5, { title: 'x'.repeat(101) }), one(6, { board: 'Missing' })] } });
    expect(bad.status).toBe(422);
    const problem = await bad.json();
    expect(problem.errors.map((e: { field: string }) => e.field)).toEqual([
      'posts.1.platform_options.pinterest.title',
      'posts.2.platform_options.pinterest.board',
    ]);
    expect(problem.detail).toBe('2 of 3 posts are invalid; none was stored');
    expect(await count()).toBe(before);
  });

  it('takes at most 500 posts at once', async () => {
    const res = await p.api('POST', '/api/v1/posts:bulk', { body: { posts: Array.from({ length: 501 }, (_, i) => one(i)) } });
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0].field).toBe('posts');
  });

  it('imports 500 posts from one request', async () => {
    const stored = async () =>
      Number(
        (
          await p.store.db
            .selectFrom('deliveries')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await stored();
    const res = await p.api('POST', '/api/v1/posts:bulk', { body: { posts: Array.from({ length: 500 }, (_, i) => one(i)) } });
    expect(res.status).toBe(201);
    expect(await stored()).toBe(before + 500);
  });

  it('takes rows naming image URLs without fetching them: the background preflight does, once per URL', async () => {
    const jpeg = (await fixtures()).jpeg;
    const files = await startMediaServer({ '/shared.jpg': { type: 'image/jpeg', bytes: jpeg }, '/other.jpg': { type: 'image/jpeg', bytes: jpeg } });
    try {
      const posts = Array.from({ length: 60 }, (_, i) => ({ ...one(i), media_url: `${files.url}/${i % 20 === 0 ? 'other' : 'shared'}.jpg` }));
      const res = await p.api('POST', '/api/v1/posts:bulk', { body: { posts } });
      expect(res.status).toBe(201);
      expect([...files.hits]).toEqual([]);
    } finally {
      await files.close();
    }
  });

  it('imports a CSV and names line and column of every bad cell', async () => {
    const csv = [
      'content,platforms,media_url,scheduled_at,board,title,link',
      `Apron,pinterest,${images.url}/good.jpg,2034-02-01T10:00:00Z,Products,Apron,https://shop.example/a`,
      `"Mug, blue",pinterest,${images.url}/good.jpg,2034-02-02T10:00:00Z,Products,Mug,https://shop.example/m`,
    ].join('\n');
    const ok = await p.api('POST', '/api/v1/posts:import', { body: csv, headers: { 'content-type': 'text/csv' } });
    expect(ok.status).toBe(201);
    const created = (await ok.json()).data;
    expect(created.map((c: { deliveries: Array<{ payload: { description: string } }> }) => c.deliveries[0]!.payload.description)).toEqual([
      'Apron',
      'Mug, blue',
    ]);

    const badCsv = [
      'content,platforms,media_url,scheduled_at,board,title',
      `Fine,pinterest,${images.url}/good.jpg,2034-02-01T10:00:00Z,Products,Fine`,
      `Long,pinterest,${images.url}/good.jpg,2034-02-01T10:00:00Z,Products,${'t'.repeat(120)}`,
      `Nowhere,myspace,${images.url}/good.jpg,2034-02-01T10:00:00Z,Products,x`,
      `Lost,pinterest,${images.url}/good.jpg,2034-02-01T10:00:00Z,Attic,x`,
    ].join('\n');
    const before = await count();
    const bad = await p.api('POST', '/api/v1/posts:import', { body: badCsv, headers: { 'content-type': 'text/csv' } });
    expect(bad.status).toBe(422);
    const errors = (await bad.json()).errors as Array<{ line: number; field: string }>;
    // Every bad row at once: the unknown platform is named by the planner now, beside the other rows' problems.
    expect(errors.map((e) => [e.line, e.field.split('.')[0]])).toEqual([
      [3, 'title'],
      [4, 'platforms'],
      [5, 'board'],
    ]);
    expect(errors.find((e) => e.line === 4)).toMatchObject({ message: expect.stringMatching(/not a platform Pinion knows \(known: pinterest/) });
    expect(await count()).toBe(before);
    const planErrors = await p.api('POST', '/api/v1/posts:import', {
      body: badCsv
        .split('\n')
        .filter((l) => !l.includes('myspace'))
        .join('\n'),
      headers: { 'content-type': 'text/csv' },
    });
    expect(((await planErrors.json()).errors as Array<{ line: number; field: string }>).map((e) => [e.line, e.field])).toEqual([
      [3, 'title'],
      [4, 'board'],
    ]);
  });

  it('imports a CSV from the command line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinion-csv-'));
    const file = join(dir, 'pins.csv');
    writeFileSync(
      file,
      ['content,platforms,media_url,scheduled_at,board', `From CLI,pinterest,${images.url}/good.jpg,2034-03-01T10:00:00Z,Products`].join('\n'),
    );
    const r = await pinion(['import', file, '--api-url', p.url, '--json'], { PINION_API_KEY: p.apiKey });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).created).toBe(1);
    writeFileSync(file, ['content,platforms,media_url,scheduled_at,board', `Bad,pinterest,${images.url}/good.jpg,2034-03-01T10:00:00Z,Nowhere`].join('\n'));
    const bad = await pinion(['import', file, '--api-url', p.url], { PINION_API_KEY: p.apiKey });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/line 2: board: no board "Nowhere"/);
  });
});
