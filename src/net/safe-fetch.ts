import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isAllowedHost, literalRefusal, publicOnlyLookup } from './public-only.js';

export type MediaFetchReason = 'scheme' | 'private_address' | 'dns' | 'too_large' | 'timeout' | 'http_status' | 'too_many_redirects' | 'network';

/** Why Pinion would not, or could not, fetch a URL; `reason` is stable, the message is for people. */
export class MediaFetchError extends Error {
  constructor(
    readonly reason: MediaFetchReason,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'MediaFetchError';
  }
}

export interface SafeFetchOptions {
  /** `host` or `host:port` exempt from the private-address check (the embedded sandbox, a test server). */
  allowHosts?: string[];
  maxBytes: number;
  /** For the whole fetch, redirects and body included. */
  timeoutMs: number;
  maxRedirects?: number;
  /** Told of every redirect followed, so a caller can show the chain (link preflight). */
  onRedirect?: (hop: { url: string; status: number; location: string }) => void;
  /** What the request accepts (default: images and video first). */
  accept?: string;
  /** Validators of a copy already held: sent as If-None-Match / If-Modified-Since, and a 304 is then an answer (`notModified`). */
  revalidate?: { etag?: string | null; lastModified?: string | null };
}

export interface SafeFetchResult {
  bytes: Buffer;
  contentType: string | null;
  finalUrl: string;
  /** The response's validators, for a later conditional request. */
  etag: string | null;
  lastModified: string | null;
  /** The server answered 304 to `revalidate`: the copy held is current, and `bytes` is empty. */
  notModified?: boolean;
}

/** Checks a URL before any connection: scheme, and a literal IP's range (Node skips lookup for those). */
function vet(url: URL, allowHosts: readonly string[]): boolean {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new MediaFetchError('scheme', `only http and https URLs can be fetched, not ${url.protocol}`);
  if (url.username || url.password) throw new MediaFetchError('scheme', 'URLs with credentials are not fetched');
  if (isAllowedHost(url, allowHosts)) return true;
  const refusal = literalRefusal(url);
  if (refusal) throw new MediaFetchError('private_address', refusal);
  return false;
}

/**
 * GET a user-supplied URL without letting it reach private networks: http(s) only, every hop
 * (redirects included) checked, DNS answers pinned, the body capped at `maxBytes` and the whole
 * exchange at `timeoutMs`.
 */
export async function safeFetch(rawUrl: string, options: SafeFetchOptions): Promise<SafeFetchResult> {
  const allowHosts = options.allowHosts ?? [];
  const maxRedirects = options.maxRedirects ?? 5;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    let url = parse(rawUrl);
    for (let hop = 0; ; hop++) {
      const exempt = vet(url, allowHosts);
      const response = await get(url, exempt, controller.signal, options.timeoutMs, options.accept, options.revalidate);
      const status = response.statusCode ?? 0;
      const validators = { etag: header(response, 'etag'), lastModified: header(response, 'last-modified') };
      if (status === 304 && options.revalidate) {
        response.resume();
        return { bytes: Buffer.alloc(0), contentType: null, finalUrl: url.toString(), ...validators, notModified: true };
      }
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        if (hop >= maxRedirects) throw new MediaFetchError('too_many_redirects', `more than ${maxRedirects} redirects`);
        const next = new URL(response.headers.location, url).toString();
        options.onRedirect?.({ url: url.toString(), status, location: next });
        url = parse(next);
        continue;
      }
      if (status < 200 || status >= 300) {
        response.resume();
        throw new MediaFetchError('http_status', `the server answered ${status}`, status);
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        response.destroy();
        throw new MediaFetchError('too_large', `the file is ${declared} bytes; at most ${options.maxBytes} are fetched`);
      }
      const bytes = await readCapped(response, options.maxBytes, controller.signal, options.timeoutMs);
      return { bytes, contentType: response.headers['content-type'] ?? null, finalUrl: url.toString(), ...validators };
    }
  } finally {
    clearTimeout(timer);
  }
}

function parse(raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw new MediaFetchError('scheme', 'is not a valid URL');
  }
}

const header = (response: IncomingMessage, name: string): string | null => {
  const value = response.headers[name];
  return typeof value === 'string' && value ? value : null;
};

function get(
  url: URL,
  exempt: boolean,
  signal: AbortSignal,
  timeoutMs: number,
  accept = 'image/*, video/*;q=0.9, */*;q=0.1',
  revalidate?: SafeFetchOptions['revalidate'],
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    let refusedAddress: string | undefined;
    const client = url.protocol === 'https:' ? https : http;
    const request = client.get(url, {
      signal,
      // No connection reuse: every hop gets its own checked lookup.
      agent: false,
      headers: {
        'user-agent': 'Pinion media fetcher',
        accept,
        ...(revalidate?.etag && { 'if-none-match': revalidate.etag }),
        ...(revalidate?.lastModified && { 'if-modified-since': revalidate.lastModified }),
      },
      ...(exempt ? {} : { lookup: publicOnlyLookup((a) => (refusedAddress = a)) }),
    });
    request.on('response', resolve);
    request.on('error', (err: NodeJS.ErrnoException) => {
      if (refusedAddress !== undefined)
        reject(new MediaFetchError('private_address', `${url.hostname} resolves to ${refusedAddress}, which is not a public address`));
      else if (signal.aborted) reject(new MediaFetchError('timeout', `no complete answer within ${timeoutMs} ms`));
      else if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') reject(new MediaFetchError('dns', `${url.hostname} could not be resolved`));
      else reject(new MediaFetchError('network', `could not fetch: ${err.code ?? err.message}`));
    });
  });
}

async function readCapped(response: IncomingMessage, maxBytes: number, signal: AbortSignal, timeoutMs: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) {
        response.destroy();
        throw new MediaFetchError('too_large', `the file is larger than ${maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof MediaFetchError) throw err;
    if (signal.aborted) throw new MediaFetchError('timeout', `no complete answer within ${timeoutMs} ms`);
    throw new MediaFetchError('network', `the download broke off: ${(err as Error).message}`);
  }
  return Buffer.concat(chunks);
}
