import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount, startImageServer } from '../helpers/posts.js';

interface Problem {
  status: number;
  errors?: Array<{ field: string; message: string; line?: number; index?: number }>;
}

/**
 * Inputs an adversarial probe found answered 500 or were silently mangled. Each must be refused
 * with 4xx problem+json naming the field, store nothing, and leave the workspace working.
 */
describe.each(DIALECTS)('bad post input on %s', (dialect) => {
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
  const base = (extra: Record<string, unknown> = {}) => ({
    content: 'Linen apron',
    platforms: ['pinterest'],
    media_url: `${images.url}/good.jpg`,
    scheduled_at: '2031-05-01T09:00:00Z',
    platform_options: { pinterest: { board: 'Products' } },
    ...extra,
  });
  /** Counted in the database, not through GET /posts: a stored bad row may be what breaks the list. */
  const stored = async () =>
    Number(
      (
        await p.store.db
          .selectFrom('posts')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const csv = (rows: string[]) => p.api('POST', '/api/v1/posts:import', { body: rows.join('\n'), headers: { 'content-type': 'text/csv' } });

  /** A refusal: 4xx problem+json naming `field`; nothing stored; the post list still answers. */
  async function refused(res: Response, field: string | RegExp, before: number, status = 422): Promise<Problem> {
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as Problem;
    expect(res.status, JSON.stringify(problem)).toBe(status);
    expect(
      problem.errors?.map((e) => e.field),
      JSON.stringify(problem),
    ).toContainEqual(typeof field === 'string' ? field : expect.stringMatching(field));
    expect(await stored()).toBe(before);
    expect((await p.api('GET', '/api/v1/posts?limit=200')).status).toBe(200);
    return problem;
  }

  describe('scheduled_at beyond year 9999', () => {
    const far = ['+275760-09-13T00:00:00-01:00', '+010000-01-01T00:00:00Z', '10000-01-01T00:00:00Z'];

    it('is refused by POST /posts and the dry run, naming scheduled_at', async () => {
      for (const at of far) {
        const before = await stored();
        const problem = await refused(await p.api('POST', '/api/v1/posts', { body: base({ scheduled_at: at }) }), 'scheduled_at', before);
        if (at.startsWith('+')) expect(problem.errors!.find((e) => e.field === 'scheduled_at')!.message, at).toMatch(/9999/);
        const dry = await p.api('POST', '/api/v1/posts:validate', { body: base({ scheduled_at: at }) });
        expect(dry.status).toBe(200);
        expect((await dry.json()).errors.map((e: { field: string }) => e.field)).toContain('scheduled_at');
      }
    });

    it('is refused by PATCH, leaving the post as it was', async () => {
      const created = await (await p.api('POST', '/api/v1/posts', { body: base() })).json();
      const before = await stored();
      await refused(await p.api('PATCH', `/api/v1/posts/${created.id}`, { body: { scheduled_at: far[0] } }), 'scheduled_at', before);
      expect((await (await p.api('GET', `/api/v1/posts/${created.id}`)).json()).scheduled_at).toBe('2031-05-01T09:00:00.000Z');
    });

    it('makes an all-or-none bulk request store nothing', async () => {
      const before = await stored();
      const res = await p.api('POST', '/api/v1/posts:bulk', { body: { posts: [base(), base({ scheduled_at: far[0] })] } });
      await refused(res, 'posts.1.scheduled_at', before);
    });

    it('makes a CSV import store nothing', async () => {
      const before = await stored();
      const res = await csv([
        'content,platforms,media_url,scheduled_at,board',
        `Fine,pinterest,${images.url}/good.jpg,2031-05-01T09:00:00Z,Products`,
        `Far,pinterest,${images.url}/good.jpg,${far[1]},Products`,
      ]);
      const problem = await refused(res, 'scheduled_at', before);
      expect(problem.errors![0]!.line).toBe(3);
    });

    it('still takes the last moment of year 9999', async () => {
      const res = await p.api('POST', '/api/v1/posts', { body: base({ scheduled_at: '9999-12-31T23:59:59Z' }) });
      expect(res.status).toBe(201);
      expect((await res.json()).scheduled_at).toBe('9999-12-31T23:59:59.000Z');
    });

    it('lists a workspace even when a stored time is outside what a date can show', async () => {
      // A row written before the bound existed: rendering it must not turn every list into a 500.
      const created = await (await p.api('POST', '/api/v1/posts', { body: base() })).json();
      await p.store.db.updateTable('posts').set({ scheduled_at: 8_640_000_003_600_000 }).where('id', '=', created.id).execute();
      await p.store.db
        .updateTable('deliveries')
        .set({ scheduled_at: 8_640_000_003_600_000, run_at: 8_640_000_003_600_000 })
        .where('post_id', '=', created.id)
        .execute();
      const list = await p.api('GET', '/api/v1/posts?limit=200');
      expect(list.status, p.logs.filter((l) => l.includes('request failed')).join('\n')).toBe(200);
      const one = await p.api('GET', `/api/v1/posts/${created.id}`);
      expect(one.status).toBe(200);
      await p.api('POST', `/api/v1/posts/${created.id}/cancel`);
    });
  });

  describe('CSV headers', () => {
    const row = () => `Apron,pinterest,${images.url}/good.jpg,2031-05-01T09:00:00Z,Products`;

    it('refuses a column named after an object property (constructor, __proto__, toString) as unknown', async () => {
      for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
        const before = await stored();
        const problem = await refused(await csv([`content,platforms,media_url,scheduled_at,board,${name}`, `${row()},x`]), name.toLowerCase(), before);
        expect(
          problem.errors!.find((e) => e.field === name.toLowerCase()),
          name,
        ).toMatchObject({ line: 1, message: expect.stringMatching(/is not a known column/) });
      }
    });

    it('refuses a column given twice, naming it', async () => {
      const before = await stored();
      const problem = await refused(await csv(['content,platforms,media_url,scheduled_at,board,Title,title', `${row()},First,Second`]), 'title', before);
      expect(problem.errors!.find((e) => e.field === 'title')).toMatchObject({ line: 1, message: expect.stringMatching(/more than once.*columns 6 and 7/) });
    });

    it('refuses a cell holding a NUL character, naming its line and column', async () => {
      const before = await stored();
      const problem = await refused(
        await csv(['content,platforms,media_url,scheduled_at,board', `Apr\u0000on,pinterest,${images.url}/good.jpg,2031-05-01T09:00:00Z,Products`]),
        'content',
        before,
      );
      expect(problem.errors!.find((e) => e.field === 'content')).toMatchObject({ line: 2, message: expect.stringMatching(/NUL/) });
    });

    it('still imports a plain file', async () => {
      const res = await csv(['content,platforms,media_url,scheduled_at,board,title', `${row()},Apron`]);
      expect(res.status).toBe(201);
      expect((await res.json()).data[0].request).toMatchObject({ content: 'Apron', platform_options: { pinterest: { board: 'Products', title: 'Apron' } } });
    });
  });

  it('refuses a crafted list cursor with 400 naming cursor', async () => {
    const crafted = ['[1.5,"x"]', '[1e400,"x"]', '[-1e400,"x"]', '[9007199254740993,"x"]', '[1,"x\\u0000"]', '[1,2]', '{"a":1}', 'null', 'not json'];
    for (const raw of crafted) {
      const res = await p.api('GET', `/api/v1/posts?cursor=${Buffer.from(raw).toString('base64url')}`);
      expect(res.headers.get('content-type'), raw).toMatch(/^application\/problem\+json/);
      expect(res.status, raw).toBe(400);
      expect(
        (await res.json()).errors.map((e: { field: string }) => e.field),
        raw,
      ).toEqual(['cursor']);
    }
    for (let i = 0; i < 2; i++) expect((await p.api('POST', '/api/v1/posts', { body: base() })).status).toBe(201);
    const list = await (await p.api('GET', '/api/v1/posts?limit=1')).json();
    expect(list.next_cursor).toEqual(expect.any(String));
    expect((await p.api('GET', `/api/v1/posts?limit=1&cursor=${list.next_cursor}`)).status).toBe(200);
  });

  describe('JSON of the wrong type', () => {
    it('is refused in a body, not coerced', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ platforms: 'pinterest' }, 'platforms'],
        [{ content: 123 }, 'content'],
        [{ content: true }, 'content'],
        [{ content: null }, 'content'],
        [{ platform_options: { pinterest: { board: 'Products', cover_key_frame_time: '3' } } }, 'platform_options.pinterest.cover_key_frame_time'],
        [{ utm: 'true' }, 'utm'],
      ];
      for (const [extra, field] of cases) {
        const before = await stored();
        await refused(await p.api('POST', '/api/v1/posts', { body: base(extra) }), field, before);
      }
      const before = await stored();
      await refused(await p.api('POST', '/api/v1/posts:bulk', { body: { posts: [base(), base({ content: 7 })] } }), 'posts.1.content', before);
    });

    it('is still read from a query string, where everything is text', async () => {
      const res = await p.api('GET', '/api/v1/posts?limit=2');
      expect(res.status).toBe(200);
      expect((await res.json()).data.length).toBeLessThanOrEqual(2);
      const bad = await p.api('GET', '/api/v1/posts?limit=two');
      expect(bad.status).toBe(400);
      expect((await bad.json()).errors.map((e: { field: string }) => e.field)).toEqual(['limit']);
    });
  });

  it('refuses an image URL naming an IPv4 address written as IPv6', async () => {
    for (const url of [
      'http://[::127.0.0.1]/a.jpg',
      'http://[::169.254.169.254]/latest',
      'http://[::ffff:10.0.0.1]/a.jpg',
      'http://[64:ff9b::192.168.0.1]/a.jpg',
    ]) {
      const before = await stored();
      const problem = await refused(await p.api('POST', '/api/v1/posts', { body: base({ media_url: url }) }), 'media_url', before);
      expect(problem.errors!.find((e) => e.field === 'media_url')!.message, url).toMatch(/is not a public address/);
    }
  });

  describe('local times', () => {
    it('refuses an offset that does not exist, naming scheduled_at', async () => {
      const before = await stored();
      const problem = await refused(
        await p.api('POST', '/api/v1/posts', { body: base({ scheduled_at: '2031-05-01T09:00:00+99:00' }) }),
        'scheduled_at',
        before,
      );
      expect(problem.errors![0]!.message).toMatch(/\+99:00.*-12:00 to \+14:00/);
    });

    it('says which of two equal wall-clock times it took, and takes the other when asked', async () => {
      const fold = { scheduled_at: '2031-10-26T02:30', timezone: 'Europe/Paris' };
      const earlier = await p.api('POST', '/api/v1/posts', { body: base(fold) });
      const body = await earlier.json();
      expect(earlier.status).toBe(201);
      expect(body.scheduled_at).toBe('2031-10-26T00:30:00.000Z');
      expect(body.warnings).toContainEqual({ field: 'scheduled_at', message: expect.stringMatching(/happens twice.*earlier/) });
      const later = await (await p.api('POST', '/api/v1/posts', { body: base({ ...fold, fold: 'later' }) })).json();
      expect(later.scheduled_at).toBe('2031-10-26T01:30:00.000Z');
      expect((later.warnings ?? []).filter((w: { field: string }) => w.field === 'scheduled_at')).toEqual([]);
      const before = await stored();
      await refused(await p.api('POST', '/api/v1/posts', { body: base({ ...fold, fold: 'second' }) }), 'fold', before);
    });

    it('takes fold from a CSV column too', async () => {
      const res = await csv([
        'content,platforms,media_url,scheduled_at,timezone,fold,board',
        `Apron,pinterest,${images.url}/good.jpg,2031-10-26T02:30,Europe/Paris,later,Products`,
      ]);
      expect(res.status).toBe(201);
      expect((await res.json()).data[0].scheduled_at).toBe('2031-10-26T01:30:00.000Z');
    });
  });
});
