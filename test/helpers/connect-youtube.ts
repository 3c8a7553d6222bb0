import { expect } from 'vitest';
import type { TestPinion } from './pinion.js';

/**
 * Connects a YouTube channel of the emulator through the real flow: Pinion's connect endpoint,
 * Google's consent page (emulated) and its Allow button, then Pinion's callback.
 */
export async function connectYouTube(p: TestPinion, opts: { handle: string; key?: string; decision?: 'approve' | 'deny' }) {
  const started = await p.api('POST', '/api/v1/accounts/connect', { key: opts.key, body: { platform: 'youtube' } });
  expect(started.status).toBe(200);
  const { authorize_url } = (await started.json()) as { authorize_url: string };
  const authorize = new URL(authorize_url);
  const page = await fetch(authorize);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('Allow');
  const form = new URLSearchParams(authorize.searchParams);
  form.set('channel', opts.handle);
  form.set('decision', opts.decision ?? 'approve');
  const approved = await fetch(authorize, { method: 'POST', body: form, redirect: 'manual' });
  expect(approved.status).toBe(302);
  const callback = approved.headers.get('location')!;
  const callbackRes = await fetch(callback, { redirect: 'manual' });
  return { authorizeUrl: authorize, callback, callbackRes };
}

export async function youtubeAccount(p: TestPinion, handle = '@studio', key?: string): Promise<{ id: string; username: string; status: string; external_id?: string }> {
  const { callbackRes } = await connectYouTube(p, { handle, key });
  expect(callbackRes.status).toBe(200);
  const list = (await (await p.api('GET', '/api/v1/accounts', { key })).json()) as { data: Array<{ id: string; username: string; status: string; platform: string }> };
  return list.data.find((a) => a.platform === 'youtube' && a.username === handle.toLowerCase())!;
}
