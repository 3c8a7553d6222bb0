import { systemClock, type Clock } from '../../shared/index.js';
import { ConnectorError } from '../errors.js';
import { sendOnce, successBody } from '../send.js';
import { parseRateLimit, waitAfterRateLimit } from './rate-limit.js';

export interface PinterestHttpOptions {
  /** `https://api.pinterest.com` in production; the sandbox's base URL in tests and `pinion start`. */
  apiBaseUrl: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** How long to leave an account alone after Pinterest blocks a write as spam (429 code 9); default 15 minutes. */
  spamBlockBackoffMs?: number;
  clock?: Clock;
}

/** 429 code 9: Pinterest's anti-spam block, not a window that resets in seconds. */
export const SPAM_BLOCK_CODE = 9;
export const DEFAULT_SPAM_BLOCK_BACKOFF_MS = 15 * 60_000;

/** `{"code":1,"message":"Sorry we could not fetch the image."}`: Pinterest's fetch of an image URL failed this time. */
export function isImageFetchFailure(err: unknown): err is ConnectorError {
  return (
    err instanceof ConnectorError && err.kind === 'retryable' && err.details.status !== undefined && err.details.status < 500 && err.details.platformCode === 1
  );
}
const COULD_NOT_FETCH = /could not fetch the image/i;

export interface CallInput {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  /** Bearer token, or `basic:<client_id>:<client_secret>` for the token endpoint. */
  auth: { bearer: string } | { basic: [string, string] };
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  form?: Record<string, string>;
}

/** One Pinterest API v5 call with its failure classified, so callers never read status codes. */
export async function callPinterest<T>(options: PinterestHttpOptions, input: CallInput): Promise<T> {
  const url = new URL(`${options.apiBaseUrl.replace(/\/$/, '')}/v5${input.path}`);
  for (const [k, v] of Object.entries(input.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { accept: 'application/json' };
  if ('bearer' in input.auth) headers.authorization = `Bearer ${input.auth.bearer}`;
  else headers.authorization = `Basic ${Buffer.from(`${input.auth.basic[0]}:${input.auth.basic[1]}`).toString('base64')}`;
  let body: string | undefined;
  if (input.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(input.json);
  } else if (input.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(input.form).toString();
  }
  const operation = `${input.method} ${input.path.replace(/\/\d+/g, '/{id}')}`;
  // Creating a pin is not idempotent: a lost answer means the pin may exist.
  const isWrite = input.method !== 'GET' && !input.path.startsWith('/oauth/');

  const said = { write: isWrite, operation, subject: `Pinterest ${operation}` };
  const answer = await sendOnce(url, { method: input.method, headers, body }, { ...said, fetch: options.fetch, timeoutMs: options.timeoutMs });
  if (answer.res.ok) return successBody<T>(answer, said);
  throw classify(answer.res, answer.text, operation, options);
}

function classify(res: Response, text: string, operation: string, options: PinterestHttpOptions): ConnectorError {
  const now = (options.clock ?? systemClock).now();
  let code: number | undefined;
  let message = text.slice(0, 300) || res.statusText;
  try {
    const parsed = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof parsed.code === 'number') code = parsed.code;
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    /* not JSON: keep the raw text */
  }
  const details = { status: res.status, platformCode: code, operation };
  const say = `Pinterest ${operation}: ${message}${code !== undefined ? ` (code ${code})` : ''}`;
  if (res.status === 401) return new ConnectorError('auth_expired', say, details);
  if (res.status === 429 && code === SPAM_BLOCK_CODE) {
    const retryAt = new Date(now + (options.spamBlockBackoffMs ?? DEFAULT_SPAM_BLOCK_BACKOFF_MS));
    return new ConnectorError(
      'rate_limited',
      `${say}: Pinterest blocked this as spam-like activity; Pinion leaves the account alone until ${retryAt.toISOString()}`,
      { ...details, retryAt },
    );
  }
  if (res.status === 429)
    return new ConnectorError('rate_limited', say, { ...details, retryAt: new Date(now + waitAfterRateLimit(parseRateLimit(res.headers))) });
  // Transient on Pinterest's side (the image host did not answer it in time); the caller retries it a bounded number of times.
  if (res.status < 500 && code === 1 && COULD_NOT_FETCH.test(message)) return new ConnectorError('retryable', say, details);
  if (res.status >= 500 || res.status === 408) return new ConnectorError('retryable', say, details);
  if (res.status === 404) return new ConnectorError('not_found', say, details);
  return new ConnectorError('rejected', say, details);
}
