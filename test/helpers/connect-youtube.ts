import { expect } from 'vitest';
import type { TestPinion } from './pinion.js';
import { connectThroughSandbox } from './sandbox-connect.js';

/**
 * Connects a YouTube channel of the emulator through the real flow: Pinion's connect endpoint,
 * Google's consent page (emulated) and its Allow button, then Pinion's callback.
 */
export async function connectYouTube(p: TestPinion, opts: { handle: string; key?: string; decision?: 'approve' | 'deny' }) {
  return connectThroughSandbox((method, path, body) => p.api(method, path, { key: opts.key, body }), {
    platform: 'youtube',
    button: 'Allow',
    fields: { channel: opts.handle },
    decision: opts.decision,
  });
}

export async function youtubeAccount(
  p: TestPinion,
  handle = '@studio',
  key?: string,
): Promise<{ id: string; username: string; status: string; external_id?: string }> {
  const { callbackRes } = await connectYouTube(p, { handle, key });
  expect(callbackRes.status).toBe(200);
  const list = (await (await p.api('GET', '/api/v1/accounts', { key })).json()) as {
    data: Array<{ id: string; username: string; status: string; platform: string }>;
  };
  return list.data.find((a) => a.platform === 'youtube' && a.username === handle.toLowerCase())!;
}
