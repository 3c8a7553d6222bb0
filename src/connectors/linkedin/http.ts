import { ConnectorError } from '../errors.js';
import { errorBody, nonEmpty } from '../error-body.js';
import { sendOnce, successBody } from '../send.js';

export interface LinkedInHttpOptions {
  /** `https://api.linkedin.com` in production; the sandbox's base URL in tests and `pinion start`. */
  apiBaseUrl: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface CallInput {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** An API path (`/rest/posts`), or a full URL LinkedIn handed out (upload URLs, the token endpoint). */
  path: string;
  /** How the call is named in messages and logs (`POST /rest/posts`). */
  operation: string;
  bearer?: string;
  /** `LinkedIn-Version` (YYYYMM): every `/rest` call needs one, with `X-Restli-Protocol-Version: 2.0.0`. */
  version?: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  form?: Record<string, string>;
  bytes?: Buffer;
  /** The call creates a post: a lost answer leaves a post that may exist. */
  createsPost?: boolean;
  /** The OAuth token endpoint: a refused client is Pinion's configuration, not the account. */
  oauth?: boolean;
}

export interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** What LinkedIn said, from whichever of its error shapes came back. */
interface Said {
  message: string;
  code?: string;
  serviceErrorCode?: number;
}

/**
 * LinkedIn answers errors as `{status, serviceErrorCode, code, message}`, Rest.li validation
 * failures as `{status: 422, message: "ERROR :: /field :: …"}` (several lines), and the OAuth
 * endpoints as RFC 6749 `{error, error_description}`.
 */
export function readError(text: string, fallback: string): Said {
  const body = errorBody(text, fallback);
  if (!('json' in body)) return body;
  const parsed = body.json;
  const str = nonEmpty;
  const message = (str(parsed.message) ?? str(parsed.error_description) ?? str(parsed.error) ?? fallback).split('\n').filter(Boolean).slice(0, 3).join('; ');
  return {
    message: message.length > 500 ? `${message.slice(0, 500)}…` : message,
    code: str(parsed.code) ?? str(parsed.error),
    serviceErrorCode: typeof parsed.serviceErrorCode === 'number' ? parsed.serviceErrorCode : undefined,
  };
}

const DAY_MS = 86_400_000;
/** LinkedIn's daily limits reset at midnight UTC and a 429 carries no Retry-After: wait for the next one. */
export const nextUtcMidnight = (now = Date.now()) => new Date((Math.floor(now / DAY_MS) + 1) * DAY_MS);

/** One LinkedIn call with its failure classified, so callers never read status codes. */
export async function callLinkedIn<T>(options: LinkedInHttpOptions, input: CallInput): Promise<Answer<T>> {
  const url = new URL(/^https?:\/\//.test(input.path) ? input.path : `${options.apiBaseUrl.replace(/\/$/, '')}${input.path}`);
  for (const [k, v] of Object.entries(input.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (input.bearer) headers.authorization = `Bearer ${input.bearer}`;
  if (input.version) {
    headers['linkedin-version'] = input.version;
    headers['x-restli-protocol-version'] = '2.0.0';
  }
  let body: string | Blob | undefined;
  if (input.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(input.json);
  } else if (input.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(input.form).toString();
  } else if (input.bytes) {
    headers['content-type'] = 'application/octet-stream';
    body = new Blob([new Uint8Array(input.bytes)]);
  }
  const { operation } = input;
  const write = input.createsPost === true;

  const said = { write, operation, subject: `LinkedIn ${operation}` };
  const { res, text } = await sendOnce(url, { method: input.method, headers, body }, { ...said, fetch: options.fetch, timeoutMs: options.timeoutMs });
  if (res.ok) return { status: res.status, headers: res.headers, body: successBody<T>({ res, text }, said) };
  throw classify(res, text, input, operation, write);
}

function classify(res: Response, text: string, input: CallInput, operation: string, write: boolean): ConnectorError {
  const said = readError(text, res.statusText || `HTTP ${res.status}`);
  const details = { status: res.status, platformCode: said.serviceErrorCode, operation };
  const say = `LinkedIn ${operation}: ${said.message}${said.code ? ` (${said.code})` : ''}`;
  if (input.oauth && (res.status === 401 || said.code === 'invalid_client' || said.code === 'unauthorized_client')) {
    return new ConnectorError('misconfigured', `${say}; check the LinkedIn client id and secret`, details);
  }
  // A version LinkedIn has sunset (or never had): every call fails until the version moves on.
  if (res.status === 426) {
    return new ConnectorError(
      'misconfigured',
      `${say}; LinkedIn no longer serves API version ${input.version ?? '(none)'}: set platform_options.linkedin.api_version to a current month (YYYYMM) or upgrade Pinion`,
      details,
    );
  }
  if (res.status === 401) return new ConnectorError('auth_expired', say, details);
  if (res.status === 429) {
    const after = Number(res.headers.get('retry-after'));
    const retryAt = Number.isFinite(after) && after > 0 ? new Date(Date.now() + after * 1000) : nextUtcMidnight();
    return new ConnectorError('rate_limited', `${say}; LinkedIn's daily limits reset at ${retryAt.toISOString()}`, { ...details, retryAt });
  }
  if (res.status >= 500 || res.status === 408) {
    // A gateway error on a post create may come after LinkedIn made it: look before posting again.
    if (write && res.status !== 503) return new ConnectorError('unknown_outcome', say, details);
    return new ConnectorError('retryable', say, details);
  }
  if (res.status === 404) return new ConnectorError('not_found', say, details);
  // 400 ILLEGAL_ARGUMENT, 403 ACCESS_DENIED, 409, 413, 422 Rest.li validation: retrying will not help.
  return new ConnectorError('rejected', say, details);
}
