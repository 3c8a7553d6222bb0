import { afterEach, describe, expect, it } from 'vitest';
import { TokenKeeper, generateKeySpec, TokenVault, type AccountRow } from '../../src/accounts/index.js';
import { connectorFor } from '../../src/connectors/index.js';
import { platformConfig } from '../../src/config/index.js';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { connectedAccount } from '../helpers/connect.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(DIALECTS)('keeping tokens alive on %s', (dialect) => {
  let p: TestPinion | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });
  const row = (id: string): Promise<AccountRow> => p!.store.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const tokenCalls = () => p!.sandbox!.stats().operations['POST /v5/oauth/token'] ?? 0;
  const refreshTokenOf = async (id: string) => p!.accounts.vault.decrypt((await row(id)).refresh_token!, id);
  const tokenEndpoint = (refreshToken: string) =>
    fetch(`${p!.config.platforms.pinterest!.apiBaseUrl}/v5/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('pinion-sandbox:pinion-sandbox-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });

  it('refreshes ahead of expiry, stores the rotated refresh token, and the old one is dead', async () => {
    p = await startTestPinion({
      dialect,
      sandbox: { accessTokenTtlSeconds: 3 },
      config: { accounts: { refreshMarginSeconds: 2, idleRefreshWindowSeconds: 3600, connectTtlSeconds: 900 } },
    });
    const account = await connectedAccount(p, 'ahead');
    const before = await row(account.id);
    const oldRefresh = await refreshTokenOf(account.id);
    const calls = tokenCalls();

    expect((await p.api('GET', `/api/v1/accounts/${account.id}/status`)).status).toBe(200);
    expect(tokenCalls()).toBe(calls); // 3 s left, margin 2 s: not yet
    await sleep(1200);
    const status = await (await p.api('GET', `/api/v1/accounts/${account.id}/status`)).json();
    expect(status.status).toBe('active');
    expect(tokenCalls()).toBe(calls + 1);

    const after = await row(account.id);
    expect(after.token_version).toBe(before.token_version + 1);
    expect(after.access_expires_at!).toBeGreaterThan(before.access_expires_at!);
    const newRefresh = await refreshTokenOf(account.id);
    expect(newRefresh).not.toBe(oldRefresh);
    expect((await tokenEndpoint(oldRefresh)).ok).toBe(false);
    expect(after.refresh_lock_until).toBeNull();
  });

  it('refreshes once and retries when the platform answers 401', async () => {
    p = await startTestPinion({ dialect, sandbox: {} });
    const account = await connectedAccount(p, 'unlucky');
    const user = p.sandbox!.state.findUserByUsername('unlucky')!;
    // The access token stops working early (Pinterest can invalidate tokens before their expiry).
    for (const [token, t] of p.sandbox!.state.tokens) if (t.userId === user.id && t.kind === 'access') p.sandbox!.state.tokens.delete(token);
    const calls = tokenCalls();
    const res = await p.api('GET', `/api/v1/accounts/${account.id}/boards?refresh=true`);
    expect(res.status).toBe(200);
    expect(tokenCalls()).toBe(calls + 1);
  });

  it('marks the account needs_reauth when the refresh is refused, and keeps it', async () => {
    p = await startTestPinion({ dialect, sandbox: {} });
    const account = await connectedAccount(p, 'revoked_user');
    const user = p.sandbox!.state.findUserByUsername('revoked_user')!;
    // The person removed the app on Pinterest: every token of the grant is gone.
    for (const [token, t] of p.sandbox!.state.tokens) if (t.userId === user.id) p.sandbox!.state.tokens.delete(token);
    const refused = await p.api('POST', `/api/v1/accounts/${account.id}/refresh`);
    expect(refused.status).toBe(409);
    expect((await refused.json()).type).toBe('urn:pinion:problem:platform-auth-revoked');
    const got = await (await p.api('GET', `/api/v1/accounts/${account.id}`)).json();
    expect(got.status).toBe('needs_reauth');
    expect(got.last_error).toMatch(/The authorization grant is invalid \(code 283\)/);
    const status = await p.api('GET', `/api/v1/accounts/${account.id}/status`);
    expect((await status.json()).status).toBe('needs_reauth');

    // Connecting again brings the same account back.
    const again = await connectedAccount(p, 'revoked_user');
    expect(again).toMatchObject({ id: account.id, status: 'active' });
  });

  it('tells listeners when an account needs reconnecting', async () => {
    p = await startTestPinion({ dialect, sandbox: {} });
    const told: string[] = [];
    p.accounts.listeners.needsReauth.push(async (a) => void told.push(a.id));
    const account = await connectedAccount(p, 'listened');
    const user = p.sandbox!.state.findUserByUsername('listened')!;
    for (const [token, t] of p.sandbox!.state.tokens) if (t.userId === user.id && t.kind === 'refresh') p.sandbox!.state.tokens.delete(token);
    await p.api('POST', `/api/v1/accounts/${account.id}/refresh`);
    expect(told).toEqual([account.id]);
  });

  it('the background pass refreshes idle accounts whose refresh token is about to die', async () => {
    p = await startTestPinion({ dialect, sandbox: {} });
    const idle = await connectedAccount(p, 'idle');
    const fresh = await connectedAccount(p, 'fresh');
    await p.store.db
      .updateTable('accounts')
      .set({ refresh_expires_at: Date.now() + 86_400_000 })
      .where('id', '=', idle.id)
      .execute();
    const pass = p.accounts.passes.find((x) => x.name === 'refresh-idle-accounts')!;
    const calls = tokenCalls();
    await pass.run(new AbortController().signal);
    expect(tokenCalls()).toBe(calls + 1);
    expect((await row(idle.id)).refresh_expires_at!).toBeGreaterThan(Date.now() + 59 * 86_400_000);
    expect((await row(fresh.id)).token_version).toBe(0);
    await pass.run(new AbortController().signal);
    expect(tokenCalls()).toBe(calls + 1);
  });

  it('two refreshers racing on one account make one refresh call', async () => {
    p = await startTestPinion({ dialect, sandbox: { faults: { latencyMs: 300, only: ['POST /v5/oauth/token'] } } });
    const account = await connectedAccount(p, 'raced');
    const version = (await row(account.id)).token_version;
    const keeper = () =>
      new TokenKeeper({
        db: p!.store.db,
        vault: p!.accounts.vault,
        log: p!.log,
        oauth: (x) => connectorFor(x).oauth(platformConfig(p!.config, x)),
        refreshMarginMs: 0,
      });
    const calls = tokenCalls();
    const [a, b, c] = await Promise.all([keeper().refresh(account.id, version), keeper().refresh(account.id, version), keeper().refresh(account.id, version)]);
    expect(tokenCalls()).toBe(calls + 1);
    expect(new Set([a.token_version, b.token_version, c.token_version])).toEqual(new Set([version + 1]));
    expect(new Set([a.access_token, b.access_token, c.access_token]).size).toBe(1);
  });

  it('rotating the encryption key re-seals tokens and they still work', async () => {
    p = await startTestPinion({ dialect, sandbox: {} });
    const account = await connectedAccount(p, 'rotated');
    const oldKey = p.config.encryptionKeys[0]!;
    const rotated = new TokenVault([
      { id: 'k2', key: Buffer.from(generateKeySpec('k2').split(':')[1]!, 'base64') },
      { id: oldKey.split(':')[0]!, key: Buffer.from(oldKey.split(':')[1]!, 'base64') },
    ]);
    const before = await row(account.id);
    const pass = (await import('../../src/accounts/passes.js')).reencryptTokensPass({ db: p.store.db, vault: rotated, log: p.log });
    await pass.run(new AbortController().signal);
    const after = await row(account.id);
    expect(after.access_token).toMatch(/^v1\.k2\./);
    expect(rotated.decrypt(after.access_token!, account.id)).toBe(p.accounts.vault.decrypt(before.access_token!, account.id));
    // Bound to the account: the same ciphertext on another row does not open.
    expect(() => rotated.decrypt(after.access_token!, 'acc_other')).toThrow();
  });
});
