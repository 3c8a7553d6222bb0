import { afterEach, describe, expect, it } from 'vitest';
import type { AccountRow } from '../../../src/accounts/index.js';
import { connectYouTube, youtubeAccount } from '../../helpers/connect-youtube.js';
import { startTestPinion, type TestPinion } from '../../helpers/pinion.js';
import { sandboxOf } from './support.js';

describe('YouTube accounts: Google OAuth with offline access and refresh', () => {
  let p: TestPinion | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });
  const row = (id: string): Promise<AccountRow> => p!.store.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const tokenCalls = () => sandboxOf(p!).stats().operations['POST /token'] ?? 0;
  const refreshTokenOf = async (id: string) => p!.accounts.vault.decrypt((await row(id)).refresh_token!, id);

  it('asks for offline access with consent and PKCE (S256), and stores the channel with a refresh token', async () => {
    p = await startTestPinion({ sandboxes: { youtube: {} } });
    const { authorizeUrl, callbackRes } = await connectYouTube(p, { handle: '@makers' });
    expect(callbackRes.status).toBe(200);
    const q = authorizeUrl.searchParams;
    expect(q.get('access_type')).toBe('offline');
    expect(q.get('prompt')).toBe('consent');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('scope')).toContain('https://www.googleapis.com/auth/youtube.upload');
    const list = (await (await p.api('GET', '/api/v1/accounts')).json()) as { data: Array<{ id: string; platform: string; username: string; status: string }> };
    const account = list.data.find((a) => a.platform === 'youtube')!;
    expect(account).toMatchObject({ username: '@makers', status: 'active' });
    const channel = sandboxOf(p).state.channelByHandle('@makers')!;
    expect((await row(account.id)).external_id).toBe(channel.id);
    expect(await refreshTokenOf(account.id)).toMatch(/^1\/\/0g/);
  });

  it('refreshes the access token and keeps the refresh token Google did not replace', async () => {
    p = await startTestPinion({ sandboxes: { youtube: {} } });
    const account = await youtubeAccount(p, '@keeper');
    const before = await row(account.id);
    const refresh = await refreshTokenOf(account.id);
    const calls = tokenCalls();
    const res = await p.api('POST', `/api/v1/accounts/${account.id}/refresh`);
    expect(res.status).toBe(200);
    expect(tokenCalls()).toBe(calls + 1);
    const after = await row(account.id);
    expect(after.token_version).toBe(before.token_version + 1);
    expect(await refreshTokenOf(account.id)).toBe(refresh);
    // The new access token works: the channel is checked with it.
    expect(((await (await p.api('GET', `/api/v1/accounts/${account.id}/status`)).json()) as { status: string }).status).toBe('active');
  });

  it('a revoked grant (invalid_grant) asks for reconnecting; refused app credentials (invalid_client) do not', async () => {
    p = await startTestPinion({ sandboxes: { youtube: {} } });
    const revoked = await youtubeAccount(p, '@revoked');
    const fine = await youtubeAccount(p, '@fine');
    const sandbox = sandboxOf(p);
    const channel = sandbox.state.channelByHandle('@revoked')!;
    // The person removed Pinion's access in their Google account: every token of the grant dies.
    for (const [token, t] of sandbox.state.tokens) if (t.channelId === channel.id) sandbox.state.tokens.delete(token);
    await p.api('POST', `/api/v1/accounts/${revoked.id}/refresh`);
    expect((await row(revoked.id)).status).toBe('needs_reauth');

    const app = [...sandbox.state.apps.values()][0]!;
    sandbox.state.apps.set(app.clientId, { ...app, clientSecret: 'rotated-in-the-console' });
    const res = await p.api('POST', `/api/v1/accounts/${fine.id}/refresh`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(600);
    expect(await res.text()).toMatch(/client id and secret/);
    expect((await row(fine.id)).status).toBe('active');
  });
});
