import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { connectPinterest, connectedAccount } from '../helpers/connect.js';

describe.each(DIALECTS)('connecting a Pinterest account on %s', (dialect) => {
  let p: TestPinion;
  beforeAll(async () => {
    p = await startTestPinion({ dialect, sandbox: {} });
  });
  afterAll(async () => p?.close());

  it('runs the whole OAuth flow: connect URL, authorize page, callback, stored account', async () => {
    const { authorizeUrl, callback, callbackRes } = await connectPinterest(p, { username: 'shop_owner' });
    expect(authorizeUrl.pathname).toBe('/sandbox/pinterest/oauth/');
    expect(authorizeUrl.searchParams.get('client_id')).toBe('pinion-sandbox');
    expect(authorizeUrl.searchParams.get('response_type')).toBe('code');
    expect(authorizeUrl.searchParams.get('scope')).toBe('user_accounts:read,boards:read,boards:write,pins:read,pins:write');
    expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(`${p.url}/oauth/callback/pinterest`);
    expect(callback).toMatch(/code=.+&state=/);
    expect(callbackRes.status).toBe(200);
    expect(await callbackRes.text()).toContain('shop_owner on pinterest is connected');

    const list = await (await p.api('GET', '/api/v1/accounts')).json();
    const account = list.data.find((a: { username: string }) => a.username === 'shop_owner');
    expect(account).toMatchObject({ platform: 'pinterest', status: 'active', external_id: expect.stringMatching(/^\d+$/) });
    expect(account.scopes).toEqual(expect.arrayContaining(['pins:write', 'boards:read']));
    expect(new Date(account.access_expires_at).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    // The platform's tokens exist in the sandbox, and appear nowhere in Pinion's answers, rows or logs.
    const user = p.sandbox!.state.findUserByUsername('shop_owner')!;
    const issued = [...p.sandbox!.state.tokens.entries()].filter(([, t]) => t.userId === user.id).map(([token]) => token);
    expect(issued.length).toBe(2);
    const row = await p.store.db.selectFrom('accounts').selectAll().where('id', '=', account.id).executeTakeFirstOrThrow();
    expect(row.access_token).toMatch(/^v1\.test\./);
    const everything =
      JSON.stringify(list) + JSON.stringify(row) + p.logs.join('') + JSON.stringify(await (await p.api('GET', `/api/v1/accounts/${account.id}`)).json());
    for (const token of issued) expect(everything).not.toContain(token);
  });

  it('refuses a replayed, unknown or expired state', async () => {
    const { callback, callbackRes } = await connectPinterest(p, { username: 'replayer' });
    expect(callbackRes.status).toBe(200);
    const replay = await fetch(callback);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toMatch(/unknown, expired or already used/);

    expect((await fetch(`${p.url}/oauth/callback/pinterest?code=x&state=forged`)).status).toBe(400);

    const started = await (await p.api('POST', '/api/v1/accounts/connect', { body: { platform: 'pinterest' } })).json();
    await p.store.db
      .updateTable('oauth_states')
      .set({ expires_at: Date.now() - 1 })
      .where('used_at', 'is', null)
      .execute();
    const state = new URL(started.authorize_url).searchParams.get('state');
    expect((await fetch(`${p.url}/oauth/callback/pinterest?code=x&state=${state}`)).status).toBe(400);
  });

  it('sends the person back to redirect_url, connected or denied', async () => {
    const ok = await connectPinterest(p, { username: 'redirected', redirectUrl: 'https://app.example/settings?tab=social' });
    expect(ok.callbackRes.status).toBe(302);
    const back = new URL(ok.callbackRes.headers.get('location')!);
    expect(back.origin + back.pathname).toBe('https://app.example/settings');
    expect(back.searchParams.get('tab')).toBe('social');
    expect(back.searchParams.get('status')).toBe('connected');
    expect(back.searchParams.get('account_id')).toMatch(/^acc_/);

    const denied = await connectPinterest(p, { username: 'refuser', redirectUrl: 'https://app.example/cb', decision: 'deny' });
    const deniedBack = new URL(denied.callbackRes.headers.get('location')!);
    expect(deniedBack.searchParams.get('status')).toBe('error');
    expect(deniedBack.searchParams.get('error')).toBe('access_denied');
    const names = (await (await p.api('GET', '/api/v1/accounts')).json()).data.map((a: { username: string }) => a.username);
    expect(names).not.toContain('refuser');
  });

  it('reconnecting the same Pinterest user updates the account in place', async () => {
    const first = await connectedAccount(p, 'returning');
    await p.api('DELETE', `/api/v1/accounts/${first.id}`);
    const again = await connectedAccount(p, 'returning');
    expect(again.id).toBe(first.id);
    expect(again.status).toBe('active');
  });

  it('disconnecting forgets the tokens and keeps the account as disconnected', async () => {
    const account = await connectedAccount(p, 'leaver');
    const res = await p.api('DELETE', `/api/v1/accounts/${account.id}`);
    expect(await res.json()).toMatchObject({ status: 'disconnected', access_expires_at: null });
    const row = await p.store.db.selectFrom('accounts').selectAll().where('id', '=', account.id).executeTakeFirstOrThrow();
    expect(row.access_token).toBeNull();
    expect(row.refresh_token).toBeNull();
    expect((await p.api('GET', `/api/v1/accounts?status=disconnected`)).status).toBe(200);
  });

  it("keeps another workspace's accounts invisible (404)", async () => {
    const account = await connectedAccount(p, 'private_shop');
    const otherKey = await p.newKey('agency');
    expect((await p.api('GET', `/api/v1/accounts/${account.id}`, { key: otherKey })).status).toBe(404);
    expect((await p.api('GET', `/api/v1/accounts/${account.id}/boards`, { key: otherKey })).status).toBe(404);
    expect((await p.api('DELETE', `/api/v1/accounts/${account.id}`, { key: otherKey })).status).toBe(404);
    expect((await (await p.api('GET', '/api/v1/accounts', { key: otherKey })).json()).data).toEqual([]);
  });

  it('needs accounts:write to connect', async () => {
    const readOnly = await p.newKey('default', ['accounts:read']);
    expect((await p.api('POST', '/api/v1/accounts/connect', { key: readOnly, body: { platform: 'pinterest' } })).status).toBe(403);
    const bad = await p.api('POST', '/api/v1/accounts/connect', { body: { platform: 'myspace', redirect_url: 'javascript:alert(1)' } });
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors.map((e: { field: string }) => e.field).sort()).toEqual(['platform', 'redirect_url']);
  });
});
