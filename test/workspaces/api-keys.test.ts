import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';

describe.each(DIALECTS)('API keys over HTTP on %s', (dialect) => {
  let p: TestPinion;
  beforeAll(async () => {
    p = await startTestPinion({ dialect });
  });
  afterAll(async () => p?.close());

  it('refuses /api/v1 without a key, with a bad key, and with a malformed header', async () => {
    for (const headers of [{}, { authorization: 'Bearer pin_nope' }, { authorization: 'Basic abc' }] as Record<string, string>[]) {
      const res = await p.api('GET', '/api/v1/workspace', { key: null, headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('shows a new key once, stores only its hash, and lists keys without secrets', async () => {
    const res = await p.api('POST', '/api/v1/keys', { body: { name: 'ci', scopes: ['posts:read'] } });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; key: string; prefix: string; scopes: string[] };
    expect(created.key).toMatch(/^pin_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    expect(created.scopes).toEqual(['posts:read']);

    const rows = await p.store.db.selectFrom('api_keys').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(created.key);

    const list = await (await p.api('GET', '/api/v1/keys')).json();
    expect(JSON.stringify(list)).not.toContain(created.key);
    expect(list.data.map((k: { id: string }) => k.id)).toContain(created.id);
    expect(Object.keys(list.data[0]).sort()).toEqual(['created_at', 'id', 'last_used_at', 'name', 'prefix', 'revoked_at', 'scopes']);
  });

  it('makes keys in PostEverywhere’s format on request, which work like any other', async () => {
    const res = await p.api('POST', '/api/v1/keys', { body: { name: 'sdk', scopes: ['posts:read'], format: 'posteverywhere' } });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { key: string; prefix: string };
    expect(created.key).toMatch(/^pe_live_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.key.slice(0, 16));
    expect((await p.api('GET', '/api/v1/posts', { key: created.key })).status).toBe(200);
    expect((await p.api('GET', '/api/v1/accounts', { key: created.key })).status).toBe(403); // its scopes hold
    expect((await p.api('GET', '/api/v1/posts', { key: 'pe_live_made-up' })).status).toBe(401);
    const bad = await p.api('POST', '/api/v1/keys', { body: { name: 'x', format: 'other' } });
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors[0].field).toBe('format');
  });

  it('enforces scopes: a read-only key cannot create keys, nor mint a stronger key', async () => {
    const readOnly = await p.newKey('default', ['keys:read']);
    expect((await p.api('GET', '/api/v1/keys', { key: readOnly })).status).toBe(200);
    const denied = await p.api('POST', '/api/v1/keys', { key: readOnly, body: { name: 'x' } });
    expect(denied.status).toBe(403);
    expect((await denied.json()).required_scope).toBe('keys:write');

    const writer = await p.newKey('default', ['keys:read', 'keys:write']);
    const escalate = await p.api('POST', '/api/v1/keys', { key: writer, body: { name: 'x', scopes: ['posts:write'] } });
    expect(escalate.status).toBe(403);
    expect((await escalate.json()).errors[0].field).toBe('scopes');
    const same = await p.api('POST', '/api/v1/keys', { key: writer, body: { name: 'y' } });
    expect((await same.json()).scopes).toEqual(['keys:read', 'keys:write']);
  });

  it('revokes a key at once', async () => {
    const created = await (await p.api('POST', '/api/v1/keys', { body: { name: 'temp' } })).json();
    expect((await p.api('GET', '/api/v1/workspace', { key: created.key })).status).toBe(200);
    const revoked = await p.api('DELETE', `/api/v1/keys/${created.id}`);
    expect(revoked.status).toBe(200);
    expect((await revoked.json()).revoked_at).toMatch(/Z$/);
    expect((await p.api('GET', '/api/v1/workspace', { key: created.key })).status).toBe(401);
  });

  it("keeps workspaces apart: B's key sees nothing of A and gets 404 for A's ids", async () => {
    const keyB = await p.newKey('workspace-b');
    const wsB = await (await p.api('GET', '/api/v1/workspace', { key: keyB })).json();
    const wsA = await (await p.api('GET', '/api/v1/workspace')).json();
    expect(wsB.name).toBe('workspace-b');
    expect(wsB.id).not.toBe(wsA.id);

    const aKeys = (await (await p.api('GET', '/api/v1/keys')).json()).data as Array<{ id: string }>;
    const bKeys = (await (await p.api('GET', '/api/v1/keys', { key: keyB })).json()).data as Array<{ id: string }>;
    expect(bKeys.some((k) => aKeys.some((a) => a.id === k.id))).toBe(false);

    const res = await p.api('DELETE', `/api/v1/keys/${aKeys[0]!.id}`, { key: keyB });
    expect(res.status).toBe(404);
    expect((await p.api('GET', '/api/v1/workspace')).status).toBe(200);
  });
});
