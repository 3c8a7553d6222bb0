import { expect } from 'vitest';
import type { Config } from '../../src/config/index.js';
import type { TestPinion } from './pinion.js';
import { fastPinterest } from './posts.js';

/** Every platform's defaults, with X's quick enough for tests (short timeout and outcome window; a budget per test). */
export function fastX(budget = { limit: 1000, windowSeconds: 1, perDay: 0 }): Config['platforms'] {
  const platforms = fastPinterest();
  return { ...platforms, x: { ...platforms.x!, timeoutMs: 1500, writeBudget: budget, outcomeWindowSeconds: 1 } };
}

/**
 * Connects an X sandbox account through the real flow, as a person would: Pinion's connect
 * endpoint (PKCE challenge in the authorize URL), the emulator's consent page, its Authorize
 * button, then Pinion's callback (which sends the verifier with the code).
 */
export async function connectX(p: TestPinion, username: string, key?: string): Promise<{ id: string; username: string; status: string }> {
  const started = await p.api('POST', '/api/v1/accounts/connect', { key, body: { platform: 'x' } });
  expect(started.status).toBe(200);
  const authorize = new URL(((await started.json()) as { authorize_url: string }).authorize_url);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  const page = await fetch(authorize);
  expect(page.status).toBe(200);
  const form = new URLSearchParams(authorize.searchParams);
  form.set('username', username);
  form.set('decision', 'approve');
  const approved = await fetch(authorize, { method: 'POST', body: form, redirect: 'manual' });
  expect(approved.status).toBe(302);
  const callback = await fetch(approved.headers.get('location')!, { redirect: 'manual' });
  expect(callback.status, await callback.clone().text()).toBe(200);
  const list = (await (await p.api('GET', '/api/v1/accounts?platform=x', { key })).json()) as { data: Array<{ id: string; username: string; status: string }> };
  return list.data.find((a) => a.username === username)!;
}
