import { expect } from 'vitest';
import type { TestPinion } from './pinion.js';

/**
 * Connects a Pinterest sandbox account through the real flow, as a person would: Pinion's connect
 * endpoint, the sandbox's authorize page and its Approve button, then Pinion's callback.
 */
export async function connectPinterest(p: TestPinion, opts: { username: string; key?: string; redirectUrl?: string; decision?: 'approve' | 'deny' }) {
  const started = await p.api('POST', '/api/v1/accounts/connect', { key: opts.key, body: { platform: 'pinterest', ...(opts.redirectUrl ? { redirect_url: opts.redirectUrl } : {}) } });
  expect(started.status).toBe(200);
  const { authorize_url } = (await started.json()) as { authorize_url: string };
  const authorize = new URL(authorize_url);

  const pageRes = await fetch(authorize);
  expect(pageRes.status).toBe(200);
  expect(await pageRes.text()).toContain('Approve');

  // The authorize form posts back its hidden fields (the query it was opened with) and the choice.
  const form = new URLSearchParams(authorize.searchParams);
  form.set('username', opts.username);
  form.set('decision', opts.decision ?? 'approve');
  const approved = await fetch(authorize, { method: 'POST', body: form, redirect: 'manual' });
  expect(approved.status).toBe(302);
  const callback = approved.headers.get('location')!;
  const callbackRes = await fetch(callback, { redirect: 'manual' });
  return { authorizeUrl: authorize, callback, callbackRes };
}

export async function connectedAccount(p: TestPinion, username: string, key?: string): Promise<{ id: string; username: string; status: string }> {
  const { callbackRes } = await connectPinterest(p, { username, key });
  expect(callbackRes.status).toBe(200);
  const list = (await (await p.api('GET', '/api/v1/accounts', { key })).json()) as { data: Array<{ id: string; username: string; status: string }> };
  return list.data.find((a) => a.username === username)!;
}
