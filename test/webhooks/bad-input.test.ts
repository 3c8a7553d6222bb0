import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';

/** Webhook inputs an adversarial probe found answered 500: each is a 422 naming the field, and nothing changes. */
describe.each(DIALECTS)('bad webhook input on %s', (dialect) => {
  let p: TestPinion;
  let existing: { id: string; url: string };
  beforeAll(async () => {
    p = await startTestPinion({ dialect });
    existing = await (await p.api('POST', '/api/v1/webhooks', { body: { url: 'https://example.com/hooks', events: ['*'], description: 'shop' } })).json();
  });
  afterAll(async () => p?.close());

  const endpoints = async () => p.store.db.selectFrom('webhook_endpoints').selectAll().orderBy('id').execute();

  async function refused(res: Response, field: string, before: unknown[]): Promise<void> {
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = await res.json();
    expect(res.status, JSON.stringify(problem)).toBe(422);
    expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await endpoints()).toEqual(before);
    expect((await p.api('GET', '/api/v1/webhooks')).status).toBe(200);
  }

  it('refuses URLs the schema lets through but no URL parser reads, on create and on change', async () => {
    for (const url of ['http://256.256.256.256/', 'http://1.2.3.4.5/', 'http://999999999999/', 'https://exa mple.com/']) {
      const before = await endpoints();
      await refused(await p.api('POST', '/api/v1/webhooks', { body: { url, events: ['*'] } }), 'url', before);
      await refused(await p.api('PATCH', `/api/v1/webhooks/${existing.id}`, { body: { url } }), 'url', before);
    }
    expect((await (await p.api('GET', `/api/v1/webhooks/${existing.id}`)).json()).url).toBe('https://example.com/hooks');
  });

  it('refuses a receiver at an IPv4 address written as IPv6', async () => {
    for (const url of ['http://[::127.0.0.1]/hook', 'http://[::169.254.169.254]/', 'http://[::ffff:127.0.0.1]/', 'http://[64:ff9b::10.0.0.1]/']) {
      const before = await endpoints();
      await refused(await p.api('POST', '/api/v1/webhooks', { body: { url, events: ['*'] } }), 'url', before);
      await refused(await p.api('PATCH', `/api/v1/webhooks/${existing.id}`, { body: { url } }), 'url', before);
    }
  });
});
