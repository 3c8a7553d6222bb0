import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount, startImageServer } from '../helpers/posts.js';

/** Posts made at the same moment share one commit (group commit); each answer still means its post is stored. */
describe.each(DIALECTS)('many posts at once on %s', (dialect) => {
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
  const body = (n: number) => ({
    content: `Apron number ${n}`,
    platforms: ['pinterest'],
    media_url: `${images.url}/good.jpg`,
    link: `https://shop.example/apron/${n}`,
    scheduled_at: '2031-05-01T09:00:00Z',
    platform_options: { pinterest: { board: 'Products' } },
  });
  const post = (b: unknown, headers?: Record<string, string>) => p.api('POST', '/api/v1/posts', { body: b, headers });
  const stored = async (id: string) => (await p.api('GET', `/api/v1/posts/${id}`)).status === 200;

  it('stores every one of 40 posts sent at once, each readable as soon as it is answered', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, async (_, n) => {
        const res = await post(body(n));
        const created = await res.json();
        return { status: res.status, post: created, readable: await stored(created.id) };
      }),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(40).fill(201));
    expect(answers.every((a) => a.readable)).toBe(true);
    expect(new Set(answers.map((a) => a.post.id)).size).toBe(40);
    expect(answers.map((a) => a.post.request.content).sort()).toEqual(Array.from({ length: 40 }, (_, n) => `Apron number ${n}`).sort());
    expect(answers.every((a) => a.post.deliveries.length === 1 && a.post.deliveries[0].status === 'scheduled')).toBe(true);
  });

  it('one post that fails to store (an Idempotency-Key race) does not lose the others committed with it', async () => {
    const key = `race-${dialect}`;
    const answers = await Promise.all([
      post(body(100)),
      post(body(101), { 'idempotency-key': key }),
      post(body(102)),
      post(body(101), { 'idempotency-key': key }),
      post(body(103)),
    ]);
    const json = await Promise.all(answers.map((a) => a.json()));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 201, 201, 201, 201]);
    // The two sends of one key are one post; the replay says so.
    expect(json[1].id).toBe(json[3].id);
    expect([answers[1]!, answers[3]!].filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(1);
    for (const j of json) expect(await stored(j.id)).toBe(true);
    const listed = (await (await p.api('GET', '/api/v1/posts?limit=200')).json()) as { data: Array<{ request: { content: string } }> };
    expect(listed.data.filter((d) => d.request.content === 'Apron number 101')).toHaveLength(1);
  });
});
