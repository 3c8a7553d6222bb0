import { expect } from 'vitest';
import type { TikTokSandbox } from '../../src/sandbox/tiktok/index.js';
import type { TestPinion } from './pinion.js';
import { connectThroughSandbox } from './sandbox-connect.js';

export const tiktokSandbox = (p: TestPinion) => p.sandboxes.get('tiktok') as TikTokSandbox;

/**
 * Connects a TikTok sandbox account through the real flow: Pinion's connect endpoint, the
 * emulator's authorize page (PKCE challenge checked at the token exchange) and its Approve button,
 * then Pinion's callback.
 */
export async function connectTikTok(p: TestPinion, opts: { username: string; key?: string; decision?: 'approve' | 'deny' }) {
  return connectThroughSandbox((method, path, body) => p.api(method, path, { key: opts.key, body }), {
    platform: 'tiktok',
    username: opts.username,
    decision: opts.decision,
  });
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
