import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { startPinion, type PinionInstance } from '../../src/cli/instance.js';
import { createLogger } from '../../src/observability/index.js';
import { ManualClock } from '../../src/shared/index.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { DIALECTS } from '../helpers/stores.js';

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
    const forged = await fetch(`${p.url}/api/v1/keys`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'forged' }),
    });
    expect(forged.status).toBe(403);
    expect((await forged.json()).detail).toMatch(/CSRF token/);
    const made = await fetch(`${p.url}/api/v1/keys`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ name: 'from the dashboard' }),
    });
    expect(made.status).toBe(201);
  });

  it('returns to the page that asked for sign-in, and only to a page of this server', async () => {
    p = await startTestPinion();
    expect(await (await fetch(`${p.url}/keys`)).text()).toContain('name="next" value="/keys"');
    const signIn = (next: string) =>
      fetch(`${p!.url}/session`, { method: 'POST', body: new URLSearchParams({ api_key: p!.apiKey, next }), redirect: 'manual' });
    expect((await signIn('/keys')).headers.get('location')).toBe('/keys');
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) expect((await signIn(next)).headers.get('location')).toBe('/');
  });

  it('refuses a sign-in posted from another site', async () => {
    p = await startTestPinion();
    for (const origin of ['https://evil.example', 'not a url']) {
      const res = await fetch(`${p.url}/session`, {
        method: 'POST',
        headers: { origin },
        body: new URLSearchParams({ api_key: p.apiKey }),
        redirect: 'manual',
      });
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
    const noToken = await fetch(`${p.url}/session/end`, {
      method: 'POST',
      headers: { cookie: first.cookie },
      body: new URLSearchParams({}),
      redirect: 'manual',
    });
    expect(noToken.status).toBe(403);
    const out = await fetch(`${p.url}/session/end`, {
      method: 'POST',
      headers: { cookie: first.cookie },
      body: new URLSearchParams({ csrf: first.csrf }),
      redirect: 'manual',
    });
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

/** Another API process on the same database, as an operator runs several behind one address (or the same one restarted). */
const anotherServer = (p: TestPinion): Promise<PinionInstance> =>
  startPinion({ config: { ...p.config, port: 0 }, api: true, worker: false, migrate: false, logger: createLogger('warn'), shutdownGraceMs: 200 });
const signOut = (url: string, s: { cookie: string; csrf: string }) =>
  fetch(`${url}/session/end`, { method: 'POST', headers: { cookie: s.cookie }, body: new URLSearchParams({ csrf: s.csrf }), redirect: 'manual' });

describe.each(DIALECTS)('dashboard sessions kept in the %s database', (dialect) => {
  const started: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    while (started.length) await started.pop()!.close();
  });

  it('survive a restart and work on every API process of the database; signing out on one ends them on all', async () => {
    const p = await startTestPinion({ dialect });
    started.push(p);
    let second = await anotherServer(p);
    const session = await signIn(p, p.apiKey);
    // The cookie is a random id; the database keeps only its hash and the key's id, never the key.
    const rows = await p.store.db.selectFrom('web_sessions').selectAll().execute();
    expect(rows).toHaveLength(1);
    const id = decodeURIComponent(session.cookie.split('=')[1]!);
    expect(rows[0]!.id_hash).toBe(createHash('sha256').update(id).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(id);
    expect(JSON.stringify(rows)).not.toContain(p.apiKey);

    expect((await fetch(`${second.url}/api/v1/accounts`, { headers: { cookie: session.cookie } })).status).toBe(200);
    const made = await fetch(`${second.url}/api/v1/keys`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'content-type': 'application/json', 'x-csrf-token': session.csrf },
      body: JSON.stringify({ name: 'made on the second' }),
    });
    expect(made.status).toBe(201);
    // Restarted: the new process knows the session too.
    await second.close();
    second = await anotherServer(p);
    started.push(second);
    expect(await (await fetch(`${second.url}/`, { headers: { cookie: session.cookie } })).text()).toContain('data-page="calendar"');

    expect((await signOut(second.url, session)).status).toBe(303);
    expect(await p.store.db.selectFrom('web_sessions').selectAll().execute()).toEqual([]);
    for (const url of [p.url, second.url]) expect((await fetch(`${url}/api/v1/accounts`, { headers: { cookie: session.cookie } })).status).toBe(401);
    expect(await (await fetch(`${p.url}/`, { headers: { cookie: session.cookie } })).text()).toContain('Sign in');
  });

  it('end after 12 idle hours, or 7 days after sign-in however used, on the server’s clock', async () => {
    const clock = new ManualClock(Date.UTC(2031, 2, 1, 9));
    const p = await startTestPinion({ dialect, clock });
    started.push(p);
    const works = async (cookie: string) => (await fetch(`${p.url}/api/v1/accounts`, { headers: { cookie } })).status === 200;
    const idle = await signIn(p, p.apiKey);
    await clock.advance(11 * 3600_000);
    expect(await works(idle.cookie)).toBe(true);
    // Used an hour ago; idle 11 hours more is still within 12.
    await clock.advance(11 * 3600_000);
    expect(await works(idle.cookie)).toBe(true);
    await clock.advance(12 * 3600_000 + 1000);
    expect(await works(idle.cookie)).toBe(false);

    const busy = await signIn(p, p.apiKey);
    for (let hours = 10; hours < 7 * 24; hours += 10) {
      await clock.advance(10 * 3600_000);
      expect(await works(busy.cookie)).toBe(true);
    }
    await clock.advance(10 * 3600_000);
    expect(await works(busy.cookie)).toBe(false);
    // Ended sessions leave no rows behind once someone signs in again.
    await signIn(p, p.apiKey);
    expect(await p.store.db.selectFrom('web_sessions').selectAll().execute()).toHaveLength(1);
  });

  it('refuses a mangled cookie as signed out, not as a server error', async () => {
    const p = await startTestPinion({ dialect });
    started.push(p);
    const res = await fetch(`${p.url}/api/v1/accounts`, { headers: { cookie: 'pinion_session=%E0%A4%A' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await fetch(`${p.url}/`, { headers: { cookie: 'pinion_session=%E0%A4%A' } })).status).toBe(200);
  });
});
