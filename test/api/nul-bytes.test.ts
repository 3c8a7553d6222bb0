import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';

/**
 * PostgreSQL cannot store a NUL character in text and fails the statement (a 500); SQLite stores it.
 * Both refuse it where the request is validated, naming the field, so the stores behave alike.
 */
describe.each(DIALECTS)('NUL characters in requests on %s', (dialect) => {
  let p: TestPinion;
  beforeAll(async () => {
    p = await startTestPinion({ dialect });
  });
  afterAll(async () => p?.close());

  const count = async (table: 'api_keys' | 'webhook_endpoints') =>
    Number(
      (
        await p.store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  async function refused(res: Response, field: string, status: number): Promise<void> {
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = await res.json();
    expect(res.status, JSON.stringify(problem)).toBe(status);
    expect(problem.errors, JSON.stringify(problem)).toContainEqual({ field, message: expect.stringMatching(/NUL/) });
  }

  it('refuses one in a body field, naming it, and stores nothing', async () => {
    const keys = await count('api_keys');
    await refused(await p.api('POST', '/api/v1/keys', { body: { name: 'ci\u0000bot' } }), 'name', 422);
    expect(await count('api_keys')).toBe(keys);

    const hooks = await count('webhook_endpoints');
    await refused(
      await p.api('POST', '/api/v1/webhooks', { body: { url: 'https://example.com/h', events: ['*'], description: 'a\u0000b' } }),
      'description',
      422,
    );
    expect(await count('webhook_endpoints')).toBe(hooks);
    const hook = await (await p.api('POST', '/api/v1/webhooks', { body: { url: 'https://example.com/h', events: ['*'], description: 'shop' } })).json();
    await refused(await p.api('PATCH', `/api/v1/webhooks/${hook.id}`, { body: { description: '\u0000' } }), 'description', 422);
    expect((await (await p.api('GET', `/api/v1/webhooks/${hook.id}`)).json()).description).toBe('shop');

    await refused(await p.api('POST', '/api/v1/posts', { body: { content: 'x\u0000', platforms: ['pinterest'] } }), 'content', 422);
    await refused(await p.api('PATCH', '/api/v1/workspace', { body: { settings: { utm: { source: 'a\u0000' } } } }), 'settings.utm.source', 422);
  });

  it('refuses one in a query string or a path, naming it', async () => {
    await refused(await p.api('GET', '/api/v1/media?cursor=med_%00'), 'cursor', 400);
    await refused(await p.api('GET', '/api/v1/posts?platform=%00'), 'platform', 400);
    await refused(await p.api('GET', '/api/v1/posts/post_%00'), 'id', 400);
    await refused(await p.api('GET', '/api/v1/webhooks/whk_%00'), 'id', 400);
    await refused(await p.api('GET', '/api/v1/media/med_%00'), 'id', 400);
  });

  it('leaves every list working afterwards', async () => {
    for (const path of ['/api/v1/keys', '/api/v1/webhooks', '/api/v1/posts', '/api/v1/media']) expect((await p.api('GET', path)).status, path).toBe(200);
  });
});
