import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { generateKeySpec, TokenVault } from '../../src/accounts/vault.js';
import { webhookPasses } from '../../src/webhooks/index.js';

describe.each(DIALECTS)('managing webhook endpoints on %s', (dialect) => {
  let p: TestPinion;
  beforeAll(async () => {
    p = await startTestPinion({ dialect, sandbox: {} });
  });
  afterAll(async () => p?.close());

  const create = async (body: unknown, key?: string) => p.api('POST', '/api/v1/webhooks', { body, key });

  it('shows the signing secret once, at creation, and keeps it only sealed', async () => {
    const res = await create({ url: 'https://example.com/hooks/pinion', events: ['post.published', 'post.failed'], description: 'shop' });
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created).toMatchObject({
      id: expect.stringMatching(/^whk_/),
      url: 'https://example.com/hooks/pinion',
      events: ['post.published', 'post.failed'],
      description: 'shop',
      enabled: true,
      disabled_at: null,
      // Standard base64 after whsec_, as Standard Webhooks libraries read it.
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    expect(new Date(created.created_at).toISOString()).toBe(created.created_at);

    const got = await (await p.api('GET', `/api/v1/webhooks/${created.id}`)).json();
    const list = await (await p.api('GET', '/api/v1/webhooks')).json();
    expect(got).not.toHaveProperty('secret');
    expect(list.data.find((e: { id: string }) => e.id === created.id)).not.toHaveProperty('secret');
    const row = await p.store.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.secret).toMatch(/^v1\.test\./);
    expect(p.accounts.vault.decrypt(row.secret, created.id)).toBe(created.secret);
    const everything = JSON.stringify(got) + JSON.stringify(list) + JSON.stringify(row) + p.logs.join('');
    expect(everything).not.toContain(created.secret);
    expect(everything).not.toContain(created.secret.slice('whsec_'.length));
  });

  it('names every bad field with 422 problem+json', async () => {
    const res = await create({ url: 'ftp://example.com/x', events: ['post.published', 'post.exploded'], colour: 'red' });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = await res.json();
    const fields = problem.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['url', 'events.1', 'colour']));

    const missing = await (await create({})).json();
    expect(missing.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['url', 'events']));
    const empty = await create({ url: 'https://example.com', events: [] });
    expect(empty.status).toBe(422);
    const long = await create({ url: `https://example.com/${'a'.repeat(2048)}`, events: ['*'] });
    expect((await long.json()).errors[0].field).toBe('url');
    const creds = await create({ url: 'https://user:pw@example.com/hook', events: ['*'] });
    expect(creds.status).toBe(422);
    expect((await creds.json()).errors).toEqual([{ field: 'url', message: expect.stringMatching(/credentials/) }]);
    const patch = await p.api('PATCH', '/api/v1/webhooks/whk_nope', { body: { enabled: 'maybe', secret: 'x' } });
    expect(patch.status).toBe(422);
    expect((await patch.json()).errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['enabled', 'secret']));
  });

  it('changes, disables, rotates and deletes an endpoint', async () => {
    const created = await (await create({ url: 'https://example.com/a', events: ['*'] })).json();
    const patched = await p.api('PATCH', `/api/v1/webhooks/${created.id}`, {
      body: { url: 'http://example.com/b', events: ['account.needs_reauth'], enabled: false, description: null },
    });
    expect(patched.status).toBe(200);
    const body = await patched.json();
    expect(body).toMatchObject({ url: 'http://example.com/b', events: ['account.needs_reauth'], enabled: false, description: null });
    expect(body.disabled_at).not.toBeNull();
    const enabled = await (await p.api('PATCH', `/api/v1/webhooks/${created.id}`, { body: { enabled: true } })).json();
    expect(enabled).toMatchObject({ enabled: true, disabled_at: null });

    const rotated = await p.api('POST', `/api/v1/webhooks/${created.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const { secret } = await rotated.json();
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(created.secret);
    const row = await p.store.db.selectFrom('webhook_endpoints').select('secret').where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(p.accounts.vault.decrypt(row.secret, created.id)).toBe(secret);
    expect(p.logs.join('')).not.toContain(secret);

    expect((await p.api('DELETE', `/api/v1/webhooks/${created.id}`)).status).toBe(204);
    expect((await p.api('GET', `/api/v1/webhooks/${created.id}`)).status).toBe(404);
    expect((await p.api('DELETE', `/api/v1/webhooks/${created.id}`)).status).toBe(404);
  });

  it("keeps each workspace's endpoints and deliveries to itself", async () => {
    const other = await p.newKey('other-shop');
    const mine = await (await create({ url: 'https://example.com/mine', events: ['*'] })).json();
    const test = await (await p.api('POST', `/api/v1/webhooks/${mine.id}/test`)).json();
    expect(test.id).toMatch(/^whd_/);

    for (const [method, path] of [
      ['GET', `/api/v1/webhooks/${mine.id}`],
      ['PATCH', `/api/v1/webhooks/${mine.id}`],
      ['DELETE', `/api/v1/webhooks/${mine.id}`],
      ['POST', `/api/v1/webhooks/${mine.id}/rotate-secret`],
      ['POST', `/api/v1/webhooks/${mine.id}/test`],
      ['GET', `/api/v1/webhooks/${mine.id}/deliveries`],
      ['GET', `/api/v1/webhooks/deliveries/${test.id}`],
      ['POST', `/api/v1/webhooks/deliveries/${test.id}/redeliver`],
    ] as const) {
      const res = await p.api(method, path, { key: other, body: method === 'PATCH' ? { enabled: false } : undefined });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await (await p.api('GET', '/api/v1/webhooks', { key: other })).json()).data).toEqual([]);
    expect((await (await p.api('GET', `/api/v1/webhooks/${mine.id}`)).json()).enabled).toBe(true);
  });

  it('needs webhooks:write to change endpoints and webhooks:read to see them', async () => {
    const reader = await p.newKey('default', ['webhooks:read']);
    const stranger = await p.newKey('default', ['posts:read']);
    expect((await create({ url: 'https://example.com/x', events: ['*'] }, reader)).status).toBe(403);
    expect((await p.api('GET', '/api/v1/webhooks', { key: reader })).status).toBe(200);
    expect((await p.api('GET', '/api/v1/webhooks', { key: stranger })).status).toBe(403);
  });

  it('re-seals current and overlapping secrets when the encryption key is rotated', async () => {
    const created = await (await create({ url: 'https://example.com/hooks/rekey', events: ['*'] })).json();
    const rotated = await (await p.api('POST', `/api/v1/webhooks/${created.id}/rotate-secret`, { body: { keep_previous_seconds: 3600 } })).json();
    const oldKey = p.config.encryptionKeys[0]!;
    const vault = new TokenVault([
      { id: 'k2', key: Buffer.from(generateKeySpec('k2').split(':')[1]!, 'base64') },
      { id: oldKey.split(':')[0]!, key: Buffer.from(oldKey.split(':')[1]!, 'base64') },
    ]);
    const pass = webhookPasses({ db: p.store.db, vault, log: p.log }).find((x) => x.name === 'reencrypt-webhook-secrets')!;
    await pass.run(new AbortController().signal);
    const row = await p.store.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.secret).toMatch(/^v1\.k2\./);
    expect(row.previous_secret).toMatch(/^v1\.k2\./);
    expect(vault.decrypt(row.secret, created.id)).toBe(rotated.secret);
    expect(vault.decrypt(row.previous_secret!, created.id)).toBe(created.secret);
  });

  it('documents every webhook route in the OpenAPI description', async () => {
    const doc = await (await fetch(`${p.url}/openapi.json`)).json();
    const paths = Object.keys(doc.paths).filter((x) => x.includes('webhooks'));
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/webhooks',
        '/api/v1/webhooks/{id}',
        '/api/v1/webhooks/{id}/rotate-secret',
        '/api/v1/webhooks/{id}/test',
        '/api/v1/webhooks/{id}/deliveries',
        '/api/v1/webhooks/deliveries/{delivery_id}',
        '/api/v1/webhooks/deliveries/{delivery_id}/redeliver',
      ]),
    );
  });
});
