import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { emitEvent, webhookPasses } from '../../src/webhooks/index.js';
import { runUntil } from './receiver.js';

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

  it('fails the delivery of an endpoint stored with such a URL (before they were refused), saying why', async () => {
    const bad = await (await p.api('POST', '/api/v1/webhooks', { body: { url: 'https://example.com/bad', events: ['post.published'] } })).json();
    await p.store.db.updateTable('webhook_endpoints').set({ url: 'http://256.256.256.256/' }).where('id', '=', bad.id).execute();
    const workspaceId = (await (await p.api('GET', '/api/v1/workspace')).json()).id as string;
    await emitEvent(p.store.db, { workspaceId, type: 'post.published', data: { post_id: 'pst_1' } });
    const pass = webhookPasses({ db: p.store.db, vault: p.accounts.vault, log: p.log, config: { maxAttempts: 1, allowHosts: [] } }).find(
      (x) => x.name === 'send-webhooks',
    )!;
    const deliveries = async () =>
      (await (await p.api('GET', `/api/v1/webhooks/${bad.id}/deliveries`)).json()).data as Array<{ status: string; last_error: string | null }>;
    await runUntil(pass, async () => (await deliveries())[0]?.status === 'failed');
    expect((await deliveries())[0]!.last_error).toMatch(/cannot be parsed/);
    await p.api('DELETE', `/api/v1/webhooks/${bad.id}`);
  });
});
