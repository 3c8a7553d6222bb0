import { afterEach, describe, expect, it } from 'vitest';
import { APP, pkce, startSandbox, UPLOAD_SCOPES } from './support.js';

describe('YouTube emulator: Google OAuth', () => {
  let s: Awaited<ReturnType<typeof startSandbox>> | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });
  const redirect = 'http://127.0.0.1:9/callback';

  async function consent(params: Record<string, string>) {
    const q = new URLSearchParams({
      client_id: APP.clientId,
      redirect_uri: redirect,
      response_type: 'code',
      scope: UPLOAD_SCOPES.join(' '),
      state: 'st',
      ...params,
    });
    const page = await fetch(`${s!.url}/o/oauth2/v2/auth?${q}`);
    expect(page.status).toBe(200);
    const res = await fetch(`${s!.url}/o/oauth2/v2/auth`, {
      method: 'POST',
      body: new URLSearchParams({ ...Object.fromEntries(q), channel: '@newbie', decision: 'approve' }),
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('st');
    return back.searchParams.get('code')!;
  }
  const token = (form: Record<string, string>) =>
    fetch(`${s!.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: APP.clientId, client_secret: APP.clientSecret, ...form }),
    });

  it('offline access with PKCE: the verifier is checked, a refresh token comes once, refreshing gives none', async () => {
    s = await startSandbox();
    const { verifier, challenge } = pkce();
    const code = await consent({ access_type: 'offline', prompt: 'consent', code_challenge: challenge, code_challenge_method: 'S256' });
    const wrong = await token({ grant_type: 'authorization_code', code, redirect_uri: redirect, code_verifier: 'x'.repeat(43) });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid code verifier.' });
    // The code was used up by the failed try, as Google's are.
    const code2 = await consent({ access_type: 'offline', prompt: 'consent', code_challenge: challenge, code_challenge_method: 'S256' });
    const ok = await token({ grant_type: 'authorization_code', code: code2, redirect_uri: redirect, code_verifier: verifier });
    const tokens = (await ok.json()) as { access_token: string; refresh_token: string; expires_in: number; token_type: string; scope: string };
    expect(tokens).toMatchObject({ expires_in: 3599, token_type: 'Bearer', scope: UPLOAD_SCOPES.join(' ') });
    expect(tokens.refresh_token).toMatch(/^1\/\//);
    const refreshed = (await (await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).json()) as Record<string, unknown>;
    expect(refreshed.access_token).toBeTruthy();
    expect(refreshed.refresh_token).toBeUndefined();
    const mine = await fetch(`${s.url}/youtube/v3/channels?part=id,snippet,contentDetails&mine=true`, {
      headers: { authorization: `Bearer ${refreshed.access_token as string}` },
    });
    const channel = ((await mine.json()) as { items: Array<{ snippet: { customUrl: string }; contentDetails: { relatedPlaylists: { uploads: string } } }> })
      .items[0]!;
    expect(channel.snippet.customUrl).toBe('@newbie');
    expect(channel.contentDetails.relatedPlaylists.uploads).toMatch(/^UU/);
  });

  it('online access gives no refresh token; revoking ends the grant; a wrong secret is invalid_client', async () => {
    s = await startSandbox();
    const online = (await (await token({ grant_type: 'authorization_code', code: await consent({}), redirect_uri: redirect })).json()) as Record<
      string,
      unknown
    >;
    expect(online.refresh_token).toBeUndefined();
    const offline = (await (
      await token({ grant_type: 'authorization_code', code: await consent({ access_type: 'offline' }), redirect_uri: redirect })
    ).json()) as { refresh_token: string; access_token: string };
    expect(
      (
        await fetch(`${s.url}/revoke`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token: offline.access_token }),
        })
      ).status,
    ).toBe(200);
    const dead = await token({ grant_type: 'refresh_token', refresh_token: offline.refresh_token });
    expect(dead.status).toBe(400);
    expect(await dead.json()).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    const badClient = await token({ grant_type: 'refresh_token', refresh_token: 'x', client_secret: 'wrong' });
    expect(badClient.status).toBe(401);
    expect(((await badClient.json()) as { error: string }).error).toBe('invalid_client');
  });

  it("the consent page refuses an unknown client or scope, as Google's error page does", async () => {
    s = await startSandbox();
    const unknown = await fetch(`${s.url}/o/oauth2/v2/auth?client_id=nope&redirect_uri=${encodeURIComponent(redirect)}&response_type=code&scope=x`);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('invalid_client');
    const scope = await fetch(
      `${s.url}/o/oauth2/v2/auth?client_id=${APP.clientId}&redirect_uri=${encodeURIComponent(redirect)}&response_type=code&scope=https://www.googleapis.com/auth/drive`,
    );
    expect(await scope.text()).toContain('invalid_scope');
  });
});
