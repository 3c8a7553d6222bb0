import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startPinterestSandbox, type PinterestSandbox, type PinterestSandboxOptions } from '../../../src/sandbox/pinterest/index.js';
import { jpeg, png } from '../../helpers/media-fixtures.js';

export const ALL_SCOPES = ['boards:read', 'boards:write', 'pins:read', 'pins:write', 'user_accounts:read'];

export { recordingFetch, type Exchange } from '../../helpers/recording-fetch.js';
export { fakeMp4, jpeg, png } from '../../helpers/media-fixtures.js';

export class Client {
  constructor(
    readonly base: string,
    public token: string,
    private readonly doFetch: typeof fetch = fetch,
  ) {}

  async call(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<{ status: number; body: any; headers: Headers }> {
    const response = await this.doFetch(`${this.base}${path}`, {
      ...init,
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers };
  }
}

export function basicAuth(clientId = 'pinion-sandbox', secret = 'pinion-sandbox-secret'): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
}

export async function startSandbox(options: PinterestSandboxOptions = {}) {
  // Lists see writes at once here unless a test asks for production's lag (`listLagMs`). Test images are served
  // from loopback servers (startImageServer); other private hosts stay refused.
  const started = await startPinterestSandbox({ port: 0, mediaProcessingMs: 200, listLagMs: 0, fetchAllowHosts: ['127.0.0.1'], ...options });
  return started;
}

export function userClient(sandbox: PinterestSandbox, url: string, scopes = ALL_SCOPES, doFetch?: typeof fetch) {
  const user = sandbox.createUser();
  const tokens = sandbox.issueTokens(user.id, scopes);
  return { user, client: new Client(url, tokens.access_token, doFetch) };
}

/** A loopback HTTP server with a good, a too-small, a broken and a missing image. */
export async function startImageServer(): Promise<{ url: string; close(): Promise<void> }> {
  const files: Record<string, { type: string; bytes: Buffer }> = {
    '/good.png': { type: 'image/png', bytes: await png(400, 300) },
    '/good.jpg': { type: 'image/jpeg', bytes: await jpeg(800, 1200) },
    '/small.png': { type: 'image/png', bytes: await png(50, 50) },
    '/broken.png': { type: 'image/png', bytes: Buffer.from('this is not an image at all, just text') },
    '/truncated.png': { type: 'image/png', bytes: (await png(400, 300)).subarray(0, 60) },
  };
  const server: Server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (!file) {
      res.writeHead(404).end('missing');
      return;
    }
    res.writeHead(200, { 'content-type': file.type }).end(file.bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function uploadMedia(upload: { upload_url: string; upload_parameters: Record<string, string> }, bytes: Buffer, doFetch: typeof fetch = fetch) {
  const form = new FormData();
  for (const [key, value] of Object.entries(upload.upload_parameters)) form.append(key, value);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'video/mp4' }), 'video.mp4');
  return doFetch(upload.upload_url, { method: 'POST', body: form });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
