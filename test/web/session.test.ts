import { afterEach, describe, expect, it } from 'vitest';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';

/** Signs in as the dashboard's form does; returns the session cookie and the page's CSRF token. */
async function signIn(p: TestPinion, key: string) {
  const res = await fetch(`${p.url}/session`, { method: 'POST', body: new URLSearchParams({ api_key: key }), redirect: 'manual' });
  expect(res.status).toBe(303);
  const setCookie = res.headers.get('set-cookie')!;
  const cookie = setCookie.split(';')[0]!;
  const page = await (await fetch(`${p.url}/`, { headers: { cookie } })).text();
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(page)?.[1];
  return { setCookie, cookie, csrf: csrf!, page };
}

describe('dashboard sessions', () => {
  let p: TestPinion | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('shows the sign-in form to a stranger and refuses an unknown key', async () => {
    p = await startTestPinion();
    const home = await fetch(`${p.url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await home.text()).toContain('<label for="api_key">API key</label>');
    const bad = await fetch(`${p.url}/session`, { method: 'POST', body: new URLSearchParams({ api_key: 'pin_nope' }), redirect: 'manual' });
    expect(bad.status).toBe(303);
    expect(bad.headers.get('location')).toBe('/?signin=failed');
    expect(bad.headers.get('set-cookie')).toBeNull();
  });

  it('keeps the key on the server: the cookie is an HttpOnly, SameSite=Strict session id, and the API answers to it', async () => {
    p = await startTestPinion();
    const { setCookie, cookie, csrf, page } = await signIn(p, p.apiKey);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toContain(p.apiKey);
    expect(page).not.toContain(p.apiKey);
    expect(page).toContain('data-page="calendar"');
    const keys = await fetch(`${p.url}/api/v1/keys`, { headers: { cookie } });
    expect(keys.status).toBe(200);
    // A change without the page's CSRF token is refused (another site's form or script cannot know it).
    const forged = await fetch(`${p.url}/api/v1/keys`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'forged' }) });
    expect(forged.status).toBe(403);
    expect((await forged.json()).detail).toMatch(/CSRF token/);
    const made = await fetch(`${p.url}/api/v1/keys`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ name: 'from the dashboard' }) });
    expect(made.status).toBe(201);
  });

  it('returns to the page that asked for sign-in, and only to a page of this server', async () => {
    p = await startTestPinion();
    expect(await (await fetch(`${p.url}/keys`)).text()).toContain('name="next" value="/keys"');
    const signIn = (next: string) => fetch(`${p!.url}/session`, { method: 'POST', body: new URLSearchParams({ api_key: p!.apiKey, next }), redirect: 'manual' });
    expect((await signIn('/keys')).headers.get('location')).toBe('/keys');
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) expect((await signIn(next)).headers.get('location')).toBe('/');
  });

  it('refuses a sign-in posted from another site', async () => {
    p = await startTestPinion();
    for (const origin of ['https://evil.example', 'not a url']) {
      const res = await fetch(`${p.url}/session`, { method: 'POST', headers: { origin }, body: new URLSearchParams({ api_key: p.apiKey }), redirect: 'manual' });
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    const missing = await fetch(`${p.url}/session`, { method: 'POST', body: new URLSearchParams({}), redirect: 'manual' });
    expect(missing.status).toBe(422);
    expect((await missing.json()).errors).toContainEqual(expect.objectContaining({ field: 'api_key' }));
  });

  it('ends the session on sign-out, and when its key is revoked at its next use', async () => {
    p = await startTestPinion();
    const first = await signIn(p, p.apiKey);
    const noToken = await fetch(`${p.url}/session/end`, { method: 'POST', headers: { cookie: first.cookie }, body: new URLSearchParams({}), redirect: 'manual' });
    expect(noToken.status).toBe(403);
    const out = await fetch(`${p.url}/session/end`, { method: 'POST', headers: { cookie: first.cookie }, body: new URLSearchParams({ csrf: first.csrf }), redirect: 'manual' });
    expect(out.status).toBe(303);
    expect((await fetch(`${p.url}/api/v1/keys`, { headers: { cookie: first.cookie } })).status).toBe(401);

    const key = await p.newKey('default');
    const second = await signIn(p, key);
    expect((await fetch(`${p.url}/api/v1/accounts`, { headers: { cookie: second.cookie } })).status).toBe(200);
    const ids = (await (await p.api('GET', '/api/v1/keys')).json()) as { data: Array<{ id: string; prefix: string }> };
    const id = ids.data.find((k) => key.startsWith(k.prefix) && !p!.apiKey.startsWith(k.prefix))!.id;
    expect((await p.api('DELETE', `/api/v1/keys/${id}`)).status).toBe(200);
    expect((await fetch(`${p.url}/api/v1/accounts`, { headers: { cookie: second.cookie } })).status).toBe(401);
    // The session is gone, not just refused: the page asks to sign in again.
    expect(await (await fetch(`${p.url}/`, { headers: { cookie: second.cookie } })).text()).toContain('Sign in');
  });

  it('serves the dashboard’s scripts and styles from the server itself (no CDN)', async () => {
    p = await startTestPinion();
    const js = await fetch(`${p.url}/assets/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/text\/javascript/);
    expect((await fetch(`${p.url}/assets/style.css`)).status).toBe(200);
    for (const path of ['/assets/..%2Fpages.ts', '/assets/missing.js']) {
      const res = await fetch(`${p.url}${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
  });
});
