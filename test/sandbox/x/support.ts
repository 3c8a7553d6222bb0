import { createHash, randomBytes } from 'node:crypto';
import { ALL_POSTING_SCOPES, startXSandbox, type XSandbox, type XSandboxOptions } from '../../../src/sandbox/x/index.js';

export { ALL_POSTING_SCOPES };
export { recordingFetch, type Exchange } from '../../helpers/recording-fetch.js';
export { fakeMp4, jpeg, png } from '../../helpers/media-fixtures.js';

export const CONFIDENTIAL = { clientId: 'pinion-x-sandbox', secret: 'pinion-x-sandbox-secret' };
export const PUBLIC_CLIENT = 'pinion-x-public';
export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers };
}

export class Client {
  constructor(
    readonly base: string,
    public token: string,
    private readonly doFetch: typeof fetch = fetch,
  ) {}

  async call(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<Answer> {
    const response = await this.doFetch(`${this.base}${path}`, {
      ...init,
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return answer(response);
  }

  /** multipart/form-data; Buffer values become a `media` file part. */
  async form(path: string, fields: Record<string, string | Buffer>): Promise<Answer> {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) {
      if (typeof value === 'string') form.append(key, value);
      else form.append(key, new Blob([new Uint8Array(value)]), 'upload.bin');
    }
    return answer(await this.doFetch(`${this.base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${this.token}` }, body: form }));
  }

  /** initialize → append (in chunks) → finalize, as the docs' chunked-upload quickstart does. */
  async uploadChunked(bytes: Buffer, mediaType: string, category: string, chunkSize = 64 * 1024): Promise<{ id: string; finalize: Answer }> {
    const init = await this.call('POST', '/2/media/upload/initialize', { media_type: mediaType, total_bytes: bytes.length, media_category: category });
    if (init.status !== 200) throw new Error(`initialize failed: ${JSON.stringify(init.body)}`);
    const id: string = init.body.data.id;
    for (let offset = 0, index = 0; offset < bytes.length; offset += chunkSize, index++) {
      const appended = await this.form(`/2/media/upload/${id}/append`, { segment_index: String(index), media: bytes.subarray(offset, offset + chunkSize) });
      if (appended.status !== 200) throw new Error(`append failed: ${JSON.stringify(appended.body)}`);
    }
    return { id, finalize: await this.call('POST', `/2/media/upload/${id}/finalize`) };
  }
}

export function basicAuth(clientId = CONFIDENTIAL.clientId, secret = CONFIDENTIAL.secret): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
}

/** RFC 7636: a random verifier and its S256 challenge. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function startSandbox(options: XSandboxOptions = {}) {
  return startXSandbox({ port: 0, mediaProcessingMs: 200, ...options });
}

export function userClient(sandbox: XSandbox, url: string, scopes = ALL_POSTING_SCOPES, doFetch?: typeof fetch) {
  const user = sandbox.createUser();
  const tokens = sandbox.issueTokens(user.id, scopes);
  return { user, tokens, client: new Client(url, tokens.access_token, doFetch) };
}

/** Approves the consent page as a user and returns the redirect. */
export async function approve(base: string, params: Record<string, string>, doFetch: typeof fetch = fetch): Promise<Response> {
  const form = new URLSearchParams({
    response_type: 'code',
    client_id: CONFIDENTIAL.clientId,
    redirect_uri: REDIRECT_URI,
    scope: ALL_POSTING_SCOPES.join(' '),
    state: 'state-123',
    code_challenge_method: 'S256',
    username: 'alice',
    decision: 'approve',
    ...params,
  });
  return doFetch(`${base}/i/oauth2/authorize`, { method: 'POST', body: form, redirect: 'manual' });
}

export async function codeFor(base: string, challenge: string, params: Record<string, string> = {}): Promise<string> {
  const response = await approve(base, { code_challenge: challenge, ...params });
  const code = new URL(response.headers.get('location') ?? '').searchParams.get('code');
  if (!code) throw new Error(`no code in ${response.headers.get('location')}`);
  return code;
}

export async function token(
  base: string,
  form: Record<string, string>,
  authorization: string | null = basicAuth(),
  doFetch: typeof fetch = fetch,
): Promise<Answer> {
  return answer(
    await doFetch(`${base}/2/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
      body: new URLSearchParams(form).toString(),
    }),
  );
}
