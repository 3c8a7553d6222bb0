import { expect } from 'vitest';
import type { TikTokSandbox } from '../../src/sandbox/tiktok/index.js';
import type { TestPinion } from './pinion.js';

export const tiktokSandbox = (p: TestPinion) => p.sandboxes.get('tiktok') as TikTokSandbox;

/**
 * Connects a TikTok sandbox account through the real flow: Pinion's connect endpoint, the
 * emulator's authorize page (PKCE challenge checked at the token exchange) and its Approve button,
 * then Pinion's callback.
 */
export async function connectTikTok(p: TestPinion, opts: { username: string; key?: string; decision?: 'approve' | 'deny' }) {
  const started = await p.api('POST', '/api/v1/accounts/connect', { key: opts.key, body: { platform: 'tiktok' } });
  expect(started.status).toBe(200);
  const { authorize_url } = (await started.json()) as { authorize_url: string };
  const authorize = new URL(authorize_url);
  const page = await fetch(authorize);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('Approve');
  const form = new URLSearchParams(authorize.searchParams);
  form.set('username', opts.username);
  form.set('decision', opts.decision ?? 'approve');
  const approved = await fetch(authorize, { method: 'POST', body: form, redirect: 'manual' });
  expect(approved.status).toBe(302);
  const callback = approved.headers.get('location')!;
  const callbackRes = await fetch(callback, { redirect: 'manual' });
  return { authorizeUrl: authorize, callback, callbackRes };
}

/** A connected TikTok account (the sandbox creator made on the way, with the settings given). */
export async function tiktokAccount(p: TestPinion, username = 'maker', creator: Parameters<TikTokSandbox['createUser']>[0] = {}) {
  const sandbox = tiktokSandbox(p);
  const user = sandbox.state.findUserByUsername(username) ?? sandbox.createUser({ ...creator, username });
  const { callbackRes } = await connectTikTok(p, { username });
  expect(callbackRes.status).toBe(200);
  const list = (await (await p.api('GET', '/api/v1/accounts')).json()) as { data: Array<{ id: string; username: string; platform: string; status: string }> };
  const account = list.data.find((a) => a.platform === 'tiktok' && a.username === username)!;
  expect(account).toBeDefined();
  return { account, user, sandbox };
}
