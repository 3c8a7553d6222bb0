import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, Client, sleep, startSandbox } from './support.js';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
const redirectUri = 'http://127.0.0.1:9/callback';

beforeAll(async () => {
  sandbox = await startSandbox({ accessTokenTtlSeconds: 1 });
});
afterAll(() => sandbox.close());

async function approve(scope: string, extra: Record<string, string> = {}) {
  const form = new URLSearchParams({
    client_id: 'pinion-sandbox',
    redirect_uri: redirectUri,
    response_type: 'code',
    scope,
    state: 'xyz-123',
    username: 'alice',
    decision: 'approve',
    ...extra,
  });
  const response = await fetch(`${sandbox.url}/oauth/`, { method: 'POST', body: form, redirect: 'manual' });
  return response;
}

async function token(form: Record<string, string>, auth = basicAuth()) {
  const response = await fetch(`${sandbox.url}/v5/oauth/token`, {
    method: 'POST',
    headers: { authorization: auth },
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function codeFor(scope: string) {
  const response = await approve(scope);
  const location = new URL(response.headers.get('location') ?? '');
  return location.searchParams.get('code') ?? '';
}

describe('OAuth authorization code flow', () => {
  it('shows an authorize page naming the app and the requested scopes', async () => {
    const query = new URLSearchParams({
      client_id: 'pinion-sandbox',
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'boards:read,pins:write',
      state: 's',
    });
    const response = await fetch(`${sandbox.url}/oauth/?${query}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('pinion-sandbox');
    expect(html).toContain('boards:read');
    expect(html).toContain('pins:write');
    expect(html).toMatch(/value="approve"/);
    expect(html).toMatch(/value="deny"/);
  });

  it('shows an error page, without redirecting, for an unknown client or a bad redirect_uri', async () => {
    const bad = await fetch(`${sandbox.url}/oauth/?client_id=nope&redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code&scope=boards:read`, {
      redirect: 'manual',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('location')).toBeNull();
    const noUri = await fetch(`${sandbox.url}/oauth/?client_id=pinion-sandbox&redirect_uri=notaurl&response_type=code&scope=boards:read`, {
      redirect: 'manual',
    });
    expect(noUri.status).toBe(400);
  });

  it('redirects with code and state on approve, and with access_denied on deny', async () => {
    const approved = await approve('boards:read');
    expect(approved.status).toBe(302);
    const location = new URL(approved.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(redirectUri);
    expect(location.searchParams.get('state')).toBe('xyz-123');
    expect(location.searchParams.get('code')).toMatch(/.{20,}/);

    const denied = await approve('boards:read', { decision: 'deny' });
    const deniedLocation = new URL(denied.headers.get('location') ?? '');
    expect(deniedLocation.searchParams.get('error')).toBe('access_denied');
    expect(deniedLocation.searchParams.get('state')).toBe('xyz-123');
    expect(deniedLocation.searchParams.get('code')).toBeNull();
  });

  it('exchanges a code once, with Basic client auth and the same redirect_uri', async () => {
    const code = await codeFor('boards:read,user_accounts:read');
    const wrongSecret = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }, basicAuth('pinion-sandbox', 'wrong'));
    expect(wrongSecret.status).toBe(401);
    // Refused app credentials are told apart from a refused grant by their code (2 here; 283 is the grant).
    expect(wrongSecret.body).toEqual({ code: 2, message: 'Authentication failed.' });

    const code2 = await codeFor('boards:read,user_accounts:read');
    const otherUri = await token({ grant_type: 'authorization_code', code: code2, redirect_uri: 'http://127.0.0.1:9/other' });
    expect(otherUri.status).toBe(401);
    expect(otherUri.body).toEqual({ code: 283, message: 'The authorization grant is invalid' });

    const code3 = await codeFor('boards:read,user_accounts:read');
    const ok = await token({ grant_type: 'authorization_code', code: code3, redirect_uri: redirectUri });
    expect(ok.status).toBe(200);
    expect(ok.body.access_token).toMatch(/^pina_/);
    expect(ok.body.refresh_token).toMatch(/^pinr_/);
    expect(ok.body.token_type).toBe('bearer');
    // Space-separated in the answer, though the authorize URL took commas.
    expect(ok.body.scope).toBe('boards:read user_accounts:read');
    expect(ok.body.expires_in).toBe(1);

    const reused = await token({ grant_type: 'authorization_code', code: code3, redirect_uri: redirectUri });
    expect(reused.status).toBe(401);
    expect(reused.body).toEqual({ code: 283, message: 'The authorization grant is invalid' });

    const me = await new Client(sandbox.url, ok.body.access_token).call('GET', '/v5/user_account');
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('alice');
  });

  it('rotates refresh tokens: each refresh returns a new one and the old one stops working', async () => {
    const code = await codeFor('boards:read');
    const first = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toMatch(/^pinr_/);
    expect(refreshed.body.refresh_token).not.toBe(first.body.refresh_token);
    expect(refreshed.body.access_token).not.toBe(first.body.access_token);
    expect(refreshed.body.refresh_token_expires_in).toBe(60 * 24 * 3600);

    const reuse = await token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect(reuse.status).toBe(401);
    expect(reuse.body).toEqual({ code: 283, message: 'The authorization grant is invalid' });
    const unknown = await token({ grant_type: 'refresh_token', refresh_token: 'pinr_never-issued' });
    expect(unknown.body).toEqual({ code: 283, message: 'The authorization grant is invalid' });

    const again = await token({ grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token });
    expect(again.status).toBe(200);
  });

  it('answers refused grants the RFC 6749 way (400) and scopes with commas when asked, and refused clients with the chosen code', async () => {
    const other = await startSandbox({ tokenErrors: 'rfc6749', scopeSeparator: ',', invalidClientCode: 401 });
    try {
      const call = async (form: Record<string, string>, auth = basicAuth()) => {
        const res = await fetch(`${other.url}/v5/oauth/token`, { method: 'POST', headers: { authorization: auth }, body: new URLSearchParams(form) });
        return { status: res.status, body: (await res.json()) as any };
      };
      const user = other.sandbox.createUser();
      const pair = other.sandbox.issueTokens(user.id, ['boards:read', 'pins:read']);
      expect(pair.scope).toBe('boards:read,pins:read');
      const bad = await call({ grant_type: 'refresh_token', refresh_token: 'pinr_nope' });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe(400);
      const client = await call({ grant_type: 'refresh_token', refresh_token: pair.refresh_token }, basicAuth('pinion-sandbox', 'wrong'));
      expect(client).toEqual({ status: 401, body: { code: 401, message: 'Authentication failed.' } });
    } finally {
      await other.close();
    }
  });

  it('rejects an expired access token with 401', async () => {
    const code = await codeFor('user_accounts:read');
    const { body } = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    const client = new Client(sandbox.url, body.access_token);
    expect((await client.call('GET', '/v5/user_account')).status).toBe(200);
    await sleep(1100);
    const expired = await client.call('GET', '/v5/user_account');
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ code: 2, message: 'Authentication failed.' });
  });

  it('enforces the scopes the spec lists per operation', async () => {
    const code = await codeFor('boards:read');
    const { body } = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    const client = new Client(sandbox.url, body.access_token);
    expect((await client.call('GET', '/v5/boards')).status).toBe(200);
    const write = await client.call('POST', '/v5/boards', { name: 'Nope' });
    expect(write.status).toBe(401);
    expect(write.body.code).toBe(3);
    expect((await client.call('GET', '/v5/user_account')).status).toBe(401);
    expect((await new Client(sandbox.url, 'pina_garbage').call('GET', '/v5/boards')).status).toBe(401);
  });

  it('redirects with invalid_scope for scopes the spec does not define', async () => {
    const response = await approve('boards:read,made:up');
    expect(new URL(response.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_scope');
  });

  it('revokes a token', async () => {
    const code = await codeFor('user_accounts:read');
    const { body } = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    const revoke = await fetch(`${sandbox.url}/v5/oauth/token/revoke`, {
      method: 'POST',
      headers: { authorization: basicAuth() },
      body: new URLSearchParams({ token: body.access_token, token_type_hint: 'access_token' }),
    });
    expect(revoke.status).toBe(200);
    expect((await new Client(sandbox.url, body.access_token).call('GET', '/v5/user_account')).status).toBe(401);
  });
});
