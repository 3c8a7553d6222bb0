import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock.js';
import { approve, basicAuth, Client, codeFor, CONFIDENTIAL, pkce, PUBLIC_CLIENT, REDIRECT_URI, startSandbox, token } from './support.js';

const clock = new ManualClock();
let sandbox: Awaited<ReturnType<typeof startSandbox>>;

beforeAll(async () => {
  sandbox = await startSandbox({ clock });
});
afterAll(() => sandbox.close());

const exchange = (code: string, verifier: string, extra: Record<string, string> = {}, auth: string | null = basicAuth()) =>
  token(sandbox.url, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, ...extra }, auth);

describe('authorize page', () => {
  it('shows the app, the requested scopes and Authorize/Cancel buttons', async () => {
    const { challenge } = pkce();
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: CONFIDENTIAL.clientId,
      redirect_uri: REDIRECT_URI,
      scope: 'tweet.read tweet.write',
      state: 's',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const response = await fetch(`${sandbox.url}/i/oauth2/authorize?${query}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain(CONFIDENTIAL.clientId);
    expect(html).toContain('tweet.write');
    expect(html).toMatch(/value="approve"/);
    expect(html).toMatch(/value="deny"/);
    expect(html).toContain(`value="${challenge}"`);
  });

  it('shows an error page, never a redirect, for an unknown client or a bad redirect_uri', async () => {
    const bad = await approve(sandbox.url, { client_id: 'nope', code_challenge: 'c' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('location')).toBeNull();
    expect((await approve(sandbox.url, { redirect_uri: 'javascript:alert(1)', code_challenge: 'c' })).status).toBe(400);
  });

  it('redirects protocol errors to the client with the state: no PKCE challenge, unknown scope, bad method, deny', async () => {
    const error = async (params: Record<string, string>) => {
      const location = new URL((await approve(sandbox.url, params)).headers.get('location') ?? '');
      expect(location.searchParams.get('state')).toBe('state-123');
      expect(location.searchParams.get('code')).toBeNull();
      return location.searchParams.get('error');
    };
    expect(await error({})).toBe('invalid_request');
    expect(await error({ code_challenge: 'c', scope: 'tweet.read made.up' })).toBe('invalid_scope');
    expect(await error({ code_challenge: 'c', scope: 'tweet.read,users.read' })).toBe('invalid_scope');
    expect(await error({ code_challenge: 'c', code_challenge_method: 'S512' })).toBe('invalid_request');
    expect(await error({ code_challenge: 'c', response_type: 'token' })).toBe('unsupported_response_type');
    expect(await error({ code_challenge: 'c', decision: 'deny' })).toBe('access_denied');
  });
});

describe('token endpoint', () => {
  it('exchanges a code once for a 2-hour bearer token and a refresh token (offline.access), verifying PKCE S256', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(sandbox.url, challenge);
    const ok = await exchange(code, verifier);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({
      token_type: 'bearer',
      expires_in: 7200,
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      scope: 'tweet.read tweet.write users.read media.write offline.access',
    });

    const reused = await exchange(code, verifier);
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual({ error: 'invalid_request', error_description: 'Value passed for the authorization code was invalid.' });

    const me = await new Client(sandbox.url, ok.body.access_token).call('GET', '/2/users/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ data: { id: expect.stringMatching(/^\d+$/), name: 'alice', username: 'alice' } });
  });

  it('refuses a wrong code_verifier, and the refused code is spent', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(sandbox.url, challenge);
    const wrong = await exchange(code, pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_request');
    expect((await exchange(code, verifier)).status).toBe(400);
  });

  it('accepts the plain method, where the verifier is the challenge', async () => {
    const code = await codeFor(sandbox.url, 'plain-challenge', { code_challenge_method: 'plain' });
    expect((await exchange(code, 'not-it')).status).toBe(400);
    const again = await codeFor(sandbox.url, 'plain-challenge', { code_challenge_method: 'plain' });
    expect((await exchange(again, 'plain-challenge')).status).toBe(200);
  });

  it('refuses a code after its 30 seconds and one sent with another redirect_uri', async () => {
    const { verifier, challenge } = pkce();
    const late = await codeFor(sandbox.url, challenge);
    await clock.advance(31_000);
    expect((await exchange(late, verifier)).status).toBe(400);
    const moved = await codeFor(sandbox.url, challenge);
    expect((await exchange(moved, verifier, { redirect_uri: 'http://127.0.0.1:9/other' })).status).toBe(400);
  });

  it('authenticates confidential clients with Basic and public clients with client_id', async () => {
    const { verifier, challenge } = pkce();
    const wrongSecret = await exchange(await codeFor(sandbox.url, challenge), verifier, {}, basicAuth(CONFIDENTIAL.clientId, 'wrong'));
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body).toEqual({ error: 'unauthorized_client', error_description: 'Missing valid authorization header' });
    const noHeader = await exchange(await codeFor(sandbox.url, challenge), verifier, { client_id: CONFIDENTIAL.clientId }, null);
    expect(noHeader.status).toBe(401);

    const publicCode = await codeFor(sandbox.url, challenge, { client_id: PUBLIC_CLIENT });
    const missingId = await exchange(publicCode, verifier, {}, null);
    expect(missingId.status).toBe(400);
    expect(missingId.body).toEqual({ error: 'invalid_request', error_description: 'Missing required parameter [client_id].' });
    const publicOk = await exchange(await codeFor(sandbox.url, challenge, { client_id: PUBLIC_CLIENT }), verifier, { client_id: PUBLIC_CLIENT }, null);
    expect(publicOk.status).toBe(200);
  });

  it('issues no refresh token without offline.access', async () => {
    const { verifier, challenge } = pkce();
    const ok = await exchange(await codeFor(sandbox.url, challenge, { scope: 'tweet.read users.read' }), verifier);
    expect(ok.status).toBe(200);
    expect(ok.body.refresh_token).toBeUndefined();
    expect(ok.body.scope).toBe('tweet.read users.read');
  });

  it('rotates refresh tokens: the old one is refused at once, the new one works', async () => {
    const { verifier, challenge } = pkce();
    const first = await exchange(await codeFor(sandbox.url, challenge), verifier);
    const refreshed = await token(sandbox.url, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(first.body.refresh_token);
    expect(refreshed.body.access_token).not.toBe(first.body.access_token);

    const reuse = await token(sandbox.url, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect(reuse.status).toBe(400);
    expect(reuse.body).toEqual({ error: 'invalid_request', error_description: 'Value passed for the token was invalid.' });
    expect((await token(sandbox.url, { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token })).status).toBe(200);
  });

  it('answers 401 in X problem shape once the access token is two hours old', async () => {
    const { verifier, challenge } = pkce();
    const { body } = await exchange(await codeFor(sandbox.url, challenge), verifier);
    const client = new Client(sandbox.url, body.access_token);
    expect((await client.call('GET', '/2/users/me')).status).toBe(200);
    await clock.advance(7200 * 1000);
    const expired = await client.call('GET', '/2/users/me');
    expect(expired.status).toBe(401);
    expect(expired.headers.get('content-type')).toContain('application/problem+json');
    expect(expired.body).toEqual({ title: 'Unauthorized', detail: 'Unauthorized', type: 'about:blank', status: 401 });
  });

  it('revokes a token', async () => {
    const { verifier, challenge } = pkce();
    const { body } = await exchange(await codeFor(sandbox.url, challenge), verifier);
    const revoke = await fetch(`${sandbox.url}/2/oauth2/revoke`, {
      method: 'POST',
      headers: { authorization: basicAuth() },
      body: new URLSearchParams({ token: body.access_token }),
    });
    expect(revoke.status).toBe(200);
    expect(await revoke.json()).toEqual({ revoked: true });
    expect((await new Client(sandbox.url, body.access_token).call('GET', '/2/users/me')).status).toBe(401);
  });

  it('refuses a token without the scopes the spec lists for the operation', async () => {
    const { verifier, challenge } = pkce();
    const { body } = await exchange(await codeFor(sandbox.url, challenge, { scope: 'tweet.read users.read' }), verifier);
    const post = await new Client(sandbox.url, body.access_token).call('POST', '/2/tweets', { text: 'no tweet.write' });
    expect(post.status).toBe(403);
    expect(sandbox.sandbox.state.tweets.size).toBe(0);
  });
});
