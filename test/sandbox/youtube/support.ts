import { createHash, randomBytes } from 'node:crypto';
import { startYouTubeSandbox, type YouTubeSandboxOptions } from '../../../src/sandbox/youtube/index.js';

export const UPLOAD_SCOPES = ['https://www.googleapis.com/auth/youtube.upload', 'https://www.googleapis.com/auth/youtube.readonly'];
export const APP = { clientId: 'pinion-youtube-sandbox.apps.googleusercontent.com', clientSecret: 'pinion-youtube-sandbox-secret' };

/** A standalone emulator with one channel and a token for it. */
export async function startSandbox(options: YouTubeSandboxOptions = {}, scopes = UPLOAD_SCOPES) {
  const server = await startYouTubeSandbox(options);
  const channel = server.sandbox.createChannel({ handle: '@tester' });
  const token = server.sandbox.issueToken(channel.id, scopes);
  const call = (method: string, path: string, init: { body?: unknown; headers?: Record<string, string>; bytes?: Buffer; token?: string | null } = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    const t = init.token === undefined ? token : init.token;
    if (t) headers.authorization = `Bearer ${t}`;
    let body: string | Uint8Array | undefined;
    if (init.bytes) body = new Uint8Array(init.bytes);
    else if (init.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(init.body);
    }
    return fetch(path.startsWith('http') ? path : `${server.url}${path}`, { method, headers, body: body as BodyInit | undefined, redirect: 'manual' });
  };
  return { ...server, channel, token, call };
}

export const metadata = (title = 'A video', extra: Record<string, unknown> = {}) => ({
  snippet: { title, description: 'About it', categoryId: '22' },
  status: { privacyStatus: 'public' },
  ...extra,
});

/** ISO-BMFF-looking bytes (an `ftyp` box) of a given size, random after the header. */
export function videoBytes(size: number): Buffer {
  const b = randomBytes(size);
  b.writeUInt32BE(24, 0);
  b.write('ftypisom', 4, 'latin1');
  return b;
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
