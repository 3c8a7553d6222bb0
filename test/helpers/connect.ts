import { expect } from 'vitest';
import type { TestPinion } from './pinion.js';
import { connectThroughSandbox } from './sandbox-connect.js';

/**
 * Connects a Pinterest sandbox account through the real flow, as a person would: Pinion's connect
 * endpoint, the sandbox's authorize page and its Approve button, then Pinion's callback.
 */
export async function connectPinterest(p: TestPinion, opts: { username: string; key?: string; redirectUrl?: string; decision?: 'approve' | 'deny' }) {
  return connectThroughSandbox((method, path, body) => p.api(method, path, { key: opts.key, body }), opts);
}

export async function connectedAccount(p: TestPinion, username: string, key?: string): Promise<{ id: string; username: string; status: string }> {
  const { callbackRes } = await connectPinterest(p, { username, key });
  expect(callbackRes.status).toBe(200);
  const list = (await (await p.api('GET', '/api/v1/accounts', { key })).json()) as { data: Array<{ id: string; username: string; status: string }> };
  return list.data.find((a) => a.username === username)!;
}
