import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { connectedAccount } from '../helpers/connect.js';

/**
 * Pinterest answers a refused refresh token with 401 code 283 and refused app credentials with a
 * 401 of another code. Only the first is about the account; the second is this instance's
 * configuration, and must never send every person to reconnect.
 */
describe.each(DIALECTS)('refused app credentials on %s', (dialect) => {
  let p: TestPinion | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('keeps accounts active, records the error, and reports the platform misconfigured in /readyz and metrics until a refresh works', async () => {
    p = await startTestPinion({ dialect, sandbox: {} });
    const needsReauth: string[] = [];
    p.accounts.listeners.needsReauth.push(async (a) => void needsReauth.push(a.id));
    const account = await connectedAccount(p, 'kept');
    const other = await connectedAccount(p, 'also_kept');
    expect((await fetch(`${p.url}/readyz`)).status).toBe(200);

    const secret = p.config.platforms.pinterest!.clientSecret;
    p.config.platforms.pinterest!.clientSecret = 'a-typo-in-the-config';
    for (const id of [account.id, other.id]) {
      const refused = await p.api('POST', `/api/v1/accounts/${id}/refresh`);
      expect(refused.status).toBe(503);
      const problem = await refused.json();
      expect(problem.type).toBe('urn:pinion:problem:platform-misconfigured');
      expect(problem.detail).toMatch(/PINION_PINTEREST_CLIENT_ID, PINION_PINTEREST_CLIENT_SECRET/);
    }
    for (const id of [account.id, other.id]) {
      const got = await (await p.api('GET', `/api/v1/accounts/${id}`)).json();
      expect(got.status).toBe('active');
      expect(got.last_error).toMatch(/Authentication failed/);
    }
    expect(needsReauth).toEqual([]);

    const ready = await fetch(`${p.url}/readyz`);
    expect(ready.status).toBe(503);
    const body = await ready.json();
    expect(body.detail).toMatch(/^Misconfigured: pinterest refused/);
    expect(body.platforms.pinterest).toMatchObject({ status: 'misconfigured', message: expect.stringMatching(/Authentication failed/) });
    const metrics = await (await fetch(`${p.url}/metrics`)).text();
    expect(metrics).toContain('pinion_token_refresh_failures_total{platform="pinterest",kind="misconfigured"} 2');

    // The operator fixes the secret: the next refresh works, and readiness comes back.
    p.config.platforms.pinterest!.clientSecret = secret;
    expect((await p.api('POST', `/api/v1/accounts/${account.id}/refresh`)).status).toBe(200);
    expect((await fetch(`${p.url}/readyz`)).status).toBe(200);
  });

  it('still marks the account needs_reauth, and counts it, when Pinterest refuses the grant itself (code 283)', async () => {
    p = await startTestPinion({ dialect, sandbox: {} });
    const account = await connectedAccount(p, 'gone');
    const user = p.sandbox!.state.findUserByUsername('gone')!;
    for (const [token, t] of p.sandbox!.state.tokens) if (t.userId === user.id && t.kind === 'refresh') p.sandbox!.state.tokens.delete(token);
    const refused = await p.api('POST', `/api/v1/accounts/${account.id}/refresh`);
    expect(refused.status).toBe(409);
    expect((await (await p.api('GET', `/api/v1/accounts/${account.id}`)).json()).status).toBe('needs_reauth');
    expect((await fetch(`${p.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${p.url}/metrics`)).text();
    expect(metrics).toContain('pinion_token_refresh_failures_total{platform="pinterest",kind="auth_revoked"} 1');
  });

  it('reads a 400 refusal (the RFC 6749 reading of the sandbox) as a dead grant too', async () => {
    p = await startTestPinion({ dialect, sandbox: { tokenErrors: 'rfc6749' } });
    const account = await connectedAccount(p, 'rfc');
    const user = p.sandbox!.state.findUserByUsername('rfc')!;
    for (const [token, t] of p.sandbox!.state.tokens) if (t.userId === user.id && t.kind === 'refresh') p.sandbox!.state.tokens.delete(token);
    expect((await p.api('POST', `/api/v1/accounts/${account.id}/refresh`)).status).toBe(409);
    expect((await (await p.api('GET', `/api/v1/accounts/${account.id}`)).json()).status).toBe('needs_reauth');
  });
});
