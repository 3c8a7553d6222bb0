import { ConnectorError, type ConnectorErrorKind } from '../errors.js';
import { TIKTOK } from './platform.js';
import { sendOnce } from '../send.js';

export interface TikTokHttpOptions {
  /** `https://open.tiktokapis.com` in production; the sandbox's base URL in tests and `pinion start`. */
  apiBaseUrl: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface CallInput {
  method: 'GET' | 'POST';
  /** Path under the base URL, starting with /v2/. */
  path: string;
  bearer?: string;
  query?: Record<string, string | undefined>;
  json?: unknown;
  form?: Record<string, string>;
  /** A write that may create something (a publish init): a lost answer is an unknown outcome. */
  write?: boolean;
}

/** Every Content Posting API answer: `{data, error:{code, message, log_id}}`, code "ok" on success. */
export interface Envelope<T> {
  data?: T;
  error?: { code?: string; message?: string; log_id?: string };
}

/**
 * One TikTok API call with its failure classified, so callers never read status codes or error
 * codes. TikTok can answer HTTP 200 with an error in the body, so the body decides first.
 */
export async function callTikTok<T>(options: TikTokHttpOptions, input: CallInput): Promise<T> {
  const url = new URL(`${options.apiBaseUrl.replace(/\/$/, '')}${input.path}`);
  for (const [k, v] of Object.entries(input.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (input.bearer) headers.authorization = `Bearer ${input.bearer}`;
  let body: string | undefined;
  if (input.json !== undefined) {
    headers['content-type'] = 'application/json; charset=UTF-8';
    body = JSON.stringify(input.json);
  } else if (input.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(input.form).toString();
  }
  const operation = `${input.method} ${input.path}`;
  const { status, text, headers: resHeaders } = await send(options, url, { method: input.method, headers, body }, operation, input.write === true);
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(quoteBigIds(text)) : undefined;
  } catch {
    parsed = undefined;
  }
  const problem = classifyAnswer(status, parsed, text, operation, resHeaders);
  if (problem) throw problem;
  return parsed as T;
}

/**
 * TikTok's post ids are 19-digit numbers, beyond what a JavaScript number holds exactly: the ids
 * in publicaly_available_post_id are turned into strings before parsing.
 */
export function quoteBigIds(json: string): string {
  return json.replace(
    /("publicaly_available_post_id"\s*:\s*\[)([^\]]*)\]/g,
    (_m, head: string, list: string) => `${head}${list.replace(/(^|[\s,])(-?\d{16,})(?=[\s,]|$)/g, '$1"$2"')}]`,
  );
}

/** One chunk of a FILE_UPLOAD: PUT to the upload_url with its Content-Range. A lost answer is only retryable: a chunk can be sent again. */
export async function putChunk(
  options: TikTokHttpOptions,
  uploadUrl: string,
  chunk: Buffer,
  range: { first: number; last: number; total: number },
  mime: string,
): Promise<number> {
  const operation = 'PUT upload_url';
  const headers = { 'content-type': mime, 'content-length': String(chunk.length), 'content-range': `bytes ${range.first}-${range.last}/${range.total}` };
  const {
    status,
    text,
    headers: resHeaders,
  } = await send(options, new URL(uploadUrl), { method: 'PUT', headers, body: new Blob([new Uint8Array(chunk)]) }, operation, false);
  if (status >= 200 && status < 300) return status;
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  throw (
    classifyAnswer(status, parsed, text, operation, resHeaders) ?? new ConnectorError('rejected', `TikTok ${operation}: HTTP ${status}`, { status, operation })
  );
}

async function send(
  options: TikTokHttpOptions,
  url: URL,
  init: { method: string; headers: Record<string, string>; body?: string | Blob },
  operation: string,
  write: boolean,
) {
  const { res, text } = await sendOnce(url, init, { write, operation, subject: `TikTok ${operation}`, fetch: options.fetch, timeoutMs: options.timeoutMs });
  return { status: res.status, text, headers: res.headers };
}

/** TikTok error codes → what Pinion does about them (notes: errors list of the Content Posting API). */
const BY_CODE: Record<string, ConnectorErrorKind> = {
  access_token_invalid: 'auth_expired',
  // The grant lacks a scope Pinion needs: only the person can grant it, by connecting again.
  scope_not_authorized: 'auth_revoked',
  scope_permission_missed: 'auth_revoked',
  rate_limit_exceeded: 'rate_limited',
  spam_risk_too_many_posts: 'rate_limited',
  spam_risk_too_many_pending_share: 'rate_limited',
  reached_active_user_cap: 'rate_limited',
  // The app is not audited: an operator matter, the accounts are fine.
  unaudited_client_can_only_post_to_private_accounts: 'misconfigured',
  invalid_client: 'misconfigured',
  internal_error: 'retryable',
  invalid_publish_id: 'not_found',
};

function classifyAnswer(status: number, parsed: unknown, text: string, operation: string, headers: Headers): ConnectorError | undefined {
  const body = (parsed ?? {}) as Envelope<unknown> & { error?: unknown; error_description?: unknown; log_id?: unknown };
  // The OAuth endpoints answer `{error: "invalid_grant", error_description, log_id}`; the others `{error: {code, message, log_id}}`.
  let code: string | undefined;
  let message: string | undefined;
  let logId: unknown;
  if (typeof body.error === 'string') {
    code = body.error;
    message = typeof body.error_description === 'string' ? body.error_description : undefined;
    logId = body.log_id;
  } else if (body.error && typeof body.error === 'object') {
    const e = body.error as { code?: unknown; message?: unknown; log_id?: unknown };
    code = typeof e.code === 'string' ? e.code : undefined;
    message = typeof e.message === 'string' ? e.message : undefined;
    logId = e.log_id;
  }
  if ((code === undefined || code === 'ok') && status >= 200 && status < 300) return undefined;
  const details = { status, operation };
  const say = `TikTok ${operation}: ${message || text.slice(0, 300) || `HTTP ${status}`}${code && code !== 'ok' ? ` (${code})` : ''}${typeof logId === 'string' && logId ? ` [log_id ${logId}]` : ''}`;
  const kind: ConnectorErrorKind | undefined = code !== undefined ? BY_CODE[code] : undefined;
  if (kind === 'rate_limited' || status === 429) return new ConnectorError('rate_limited', say, { ...details, retryAt: retryAt(code, headers) });
  if (kind) return new ConnectorError(kind, say, details);
  if (status === 401) return new ConnectorError('auth_expired', say, details);
  if (status >= 500 || status === 408) return new ConnectorError('retryable', say, details);
  if (status === 404) return new ConnectorError('not_found', say, details);
  return new ConnectorError('rejected', say, details);
}

/**
 * When to try again. The per-minute limits are 1-minute sliding windows with no documented
 * header, so a minute (or Retry-After, if TikTok sends one); the daily post cap has no published
 * window, so TIKTOK.spamRiskWaitSeconds.
 */
function retryAt(code: string | undefined, headers: Headers): Date {
  const after = Number(headers.get('retry-after'));
  if (Number.isFinite(after) && after > 0) return new Date(Date.now() + after * 1000);
  const daily = code === 'spam_risk_too_many_posts' || code === 'spam_risk_too_many_pending_share' || code === 'reached_active_user_cap';
  return new Date(Date.now() + (daily ? TIKTOK.spamRiskWaitSeconds : 60) * 1000);
}
