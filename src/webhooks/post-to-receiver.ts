/**
 * The HTTP side of sending a webhook: one POST to a receiver, checked the way media fetches are, and what
 * came of it (status, error, the start of the answer) for the delivery log. Kept apart from the outbox
 * (sender.ts), which decides what to send and when and records each outcome.
 */
import http from 'node:http';
import https from 'node:https';
import { isAllowedHost, literalRefusal, publicOnlyLookup } from '../net/index.js';

const EXCERPT_BYTES = 1024;

export interface Outcome {
  statusCode: number | null;
  error: string | null;
  excerpt: string | null;
  /** Stopped by shutdown, not by the receiver: not an attempt. */
  interrupted?: boolean;
}

/**
 * One POST to a receiver. The address is checked the way media fetches are (no private,
 * loopback or link-local addresses unless allowlisted), at connect time so a DNS answer that
 * changes after the endpoint was registered still cannot reach the internal network.
 */
export async function post(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; allowHosts: string[] },
  stop: AbortSignal,
): Promise<Outcome> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    // Stored before the API refused such URLs; a bad one fails its own delivery, not the sender.
    return { statusCode: null, error: 'not sent: the endpoint URL cannot be parsed', excerpt: null };
  }
  const exempt = isAllowedHost(url, opts.allowHosts);
  const refusal = exempt ? undefined : literalRefusal(url);
  if (refusal) return { statusCode: null, error: `not sent: ${refusal}`, excerpt: null };
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = AbortSignal.any([timeout, stop]);
  let refusedAddress: string | undefined;
  const outcome = await new Promise<Outcome>((resolve) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, {
      method: 'POST',
      signal,
      agent: false,
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      ...(exempt ? {} : { lookup: publicOnlyLookup((a) => (refusedAddress = a)) }),
    });
    request.on('response', (res) => {
      excerpt(res).then((text) => resolve({ statusCode: res.statusCode ?? null, error: null, excerpt: text }));
    });
    request.on('error', (err) => {
      if (stop.aborted) resolve({ statusCode: null, error: null, excerpt: null, interrupted: true });
      else if (refusedAddress !== undefined)
        resolve({ statusCode: null, error: `not sent: ${url.hostname} resolves to ${refusedAddress}, which is not a public address`, excerpt: null });
      else if (timeout.aborted) resolve({ statusCode: null, error: `timed out after ${opts.timeoutMs} ms`, excerpt: null });
      else resolve({ statusCode: null, error: describe(err), excerpt: null });
    });
    request.end(body);
  });
  return outcome;
}

/** The first KB of the response, for the delivery log; the rest is not read. */
async function excerpt(res: http.IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= EXCERPT_BYTES) break;
    }
  } catch {
    // A body cut off by the timeout still leaves what arrived.
  } finally {
    res.destroy();
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks).subarray(0, EXCERPT_BYTES));
  return text || null;
}

/** An error as one line for the delivery log: its message and its cause's (a network error's code), at most 500 characters. */
export function describe(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const detail = e.cause?.message ?? e.cause?.code;
  return `${e.message}${detail ? `: ${detail}` : ''}`.slice(0, 500);
}
