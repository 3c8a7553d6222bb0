import { ConnectorError } from '../errors.js';
import { nextQuotaReset } from './platform.js';
import { errorBody, nonEmpty } from '../error-body.js';
import { sendOnce, successBody } from '../send.js';

export interface GoogleHttpOptions {
  timeoutMs: number;
  fetch?: typeof fetch;
  /** For the quota reset time of a `quotaExceeded`. */
  now?: () => number;
}

export interface GoogleCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  /** The operation, for messages and classification (`videos.insert`, `token`). */
  operation: string;
  bearer?: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  bytes?: Buffer;
  /** A call whose lost answer may leave a video made (the last chunk of an upload, a status query of a full one). */
  mayCreate?: boolean;
}

export interface GoogleAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** What Google said: `{error:{code, message, errors:[{message, domain, reason}]}}`, or OAuth's `{error, error_description}`. */
export interface GoogleSaid {
  message: string;
  reason?: string;
  domain?: string;
}

export function readGoogleError(text: string, fallback: string): GoogleSaid {
  const body = errorBody(text, fallback);
  if (!('json' in body)) return body;
  const parsed = body.json;
  const str = nonEmpty;
  if (typeof parsed.error === 'string') return { message: str(parsed.error_description) ?? parsed.error, reason: parsed.error };
  const error = (parsed.error ?? {}) as Record<string, unknown>;
  const first = Array.isArray(error.errors) ? (error.errors[0] as Record<string, unknown> | undefined) : undefined;
  return { message: str(error.message) ?? str(first?.message) ?? fallback, reason: str(first?.reason) ?? str(error.status), domain: str(first?.domain) };
}

/**
 * One Google call with its failure classified, so callers never read status codes. 308 (Resume
 * Incomplete) is an answer of the upload protocol, not an error: it is returned like a 2xx.
 */
export async function callGoogle<T>(options: GoogleHttpOptions, call: GoogleCall): Promise<GoogleAnswer<T>> {
  const url = new URL(call.url);
  for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
  if (call.bearer) headers.authorization = `Bearer ${call.bearer}`;
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (call.json !== undefined) {
    headers['content-type'] = 'application/json; charset=UTF-8';
    body = JSON.stringify(call.json);
  } else if (call.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(call.form).toString();
  } else if (call.bytes) {
    body = new Uint8Array(call.bytes);
  }
  const said = { write: call.mayCreate === true, operation: call.operation, subject: `YouTube ${call.operation}` };
  // 308 is Google's "Resume Incomplete", never a redirect to follow.
  const { res, text } = await sendOnce(
    url,
    { method: call.method, headers, body, redirect: 'manual' },
    { ...said, fetch: options.fetch, timeoutMs: options.timeoutMs },
  );
  if (res.ok || res.status === 308) return { status: res.status, headers: res.headers, body: successBody<T>({ res, text }, said) };
  throw classify(res.status, readGoogleError(text, res.statusText || `HTTP ${res.status}`), call, options.now ?? Date.now);
}

/** Reasons of a 403 that mean "not now" rather than "never". */
const SHORT_LIMITS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
const DAILY_LIMITS = new Set(['quotaExceeded', 'dailyLimitExceeded', 'uploadLimitExceeded']);
/** The Google project itself cannot use the API: an operator must fix it, not the account's owner. */
const APP_PROBLEMS = new Set(['accessNotConfigured', 'keyInvalid', 'projectNotLinked', 'SERVICE_DISABLED', 'ipRefererBlocked']);

export function classify(status: number, said: GoogleSaid, call: Pick<GoogleCall, 'operation' | 'mayCreate'>, now: () => number): ConnectorError {
  const details = { status, operation: call.operation };
  const say = `YouTube ${call.operation}: ${said.message}${said.reason ? ` (${said.reason})` : ''}`;
  if (call.operation === 'token' || call.operation === 'revoke') {
    // The token endpoint: a dead refresh token is the account's; a refused client is Pinion's own.
    if (said.reason === 'invalid_grant') return new ConnectorError('auth_revoked', say, details);
    if (said.reason === 'invalid_client' || said.reason === 'unauthorized_client' || status === 401) {
      return new ConnectorError('misconfigured', `${say}; check the YouTube (Google OAuth) client id and secret`, details);
    }
    return new ConnectorError(status >= 500 ? 'retryable' : 'rejected', say, details);
  }
  if (status === 401) return new ConnectorError('auth_expired', say, details);
  if (said.reason && DAILY_LIMITS.has(said.reason)) {
    // quotaExceeded: the project's units are spent until midnight Pacific. uploadLimitExceeded: the
    // channel's own cap, whose reset YouTube does not give: the same midnight is the guess.
    const at = nextQuotaReset(now());
    return new ConnectorError('rate_limited', `${say}; waiting for the quota reset at midnight Pacific (${new Date(at).toISOString()})`, {
      ...details,
      retryAt: new Date(at),
    });
  }
  if (status === 429 || (status === 403 && said.reason && SHORT_LIMITS.has(said.reason)))
    return new ConnectorError('rate_limited', say, { ...details, retryAt: new Date(now() + 60_000) });
  if (said.reason && APP_PROBLEMS.has(said.reason))
    return new ConnectorError('misconfigured', `${say}; check the Google Cloud project (YouTube Data API v3 enabled, credentials)`, details);
  // The grant lacks a scope this call needs: only a new consent gives it.
  if (status === 403 && (said.reason === 'insufficientPermissions' || said.reason === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT'))
    return new ConnectorError('auth_revoked', say, details);
  if (status >= 500 || status === 408) return new ConnectorError(call.mayCreate && status !== 503 ? 'unknown_outcome' : 'retryable', say, details);
  if (status === 404 || status === 410) return new ConnectorError('not_found', say, details);
  return new ConnectorError('rejected', say, details);
}
