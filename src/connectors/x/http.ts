import { ConnectorError } from '../errors.js';
import { errorBody, nonEmpty } from '../error-body.js';
import { sendOnce, successBody } from '../send.js';

export interface XHttpOptions {
  /** `https://api.x.com` in production; the sandbox's base URL in tests and `pinion start`. */
  apiBaseUrl: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface CallInput {
  method: 'GET' | 'POST' | 'DELETE';
  /** The full API path, `/2/tweets`. */
  path: string;
  /** Bearer user token, or HTTP Basic `base64(client_id:client_secret)` for the OAuth endpoints (confidential client, as X's docs show). */
  auth: { bearer: string } | { basic: [string, string] };
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  form?: Record<string, string>;
  multipart?: FormData;
}

/**
 * The one call whose lost answer leaves a post that may exist: creating a post. A lost media
 * upload leaves at most an unused upload X expires, deleting again finds the post gone, and a
 * lost token call is retried like a read, so those are plain retryable failures.
 */
const makesPosts = (input: CallInput) => input.method === 'POST' && input.path === '/2/tweets';

/** One X API v2 call with its failure classified, so callers never read status codes. */
export async function callX<T>(options: XHttpOptions, input: CallInput): Promise<T> {
  const url = new URL(`${options.apiBaseUrl.replace(/\/$/, '')}${input.path}`);
  for (const [k, v] of Object.entries(input.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { accept: 'application/json' };
  if ('bearer' in input.auth) headers.authorization = `Bearer ${input.auth.bearer}`;
  else headers.authorization = `Basic ${Buffer.from(`${input.auth.basic[0]}:${input.auth.basic[1]}`).toString('base64')}`;
  let body: string | FormData | undefined;
  if (input.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(input.json);
  } else if (input.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(input.form).toString();
  } else if (input.multipart) {
    body = input.multipart; // fetch sets the multipart boundary itself
  }
  const operation = `${input.method} ${input.path.replace(/(?<=.)\/\d+(?=\/|$)/g, '/{id}')}`;
  const write = makesPosts(input);

  const said = { write, operation, subject: `X ${operation}` };
  const { res, text } = await sendOnce(url, { method: input.method, headers, body }, { ...said, fetch: options.fetch, timeoutMs: options.timeoutMs });
  // A 2xx on a post write means X did it; an unreadable body does not say which post it made.
  if (res.ok) return successBody<T>({ res, text }, said);
  throw classify(res, text, operation, write, input.path.startsWith('/2/oauth2/'));
}

/** What X said, from whichever of its error shapes came back. */
interface Said {
  message: string;
  code?: number;
  /** The problem type's last segment (`usage-capped`, `client-forbidden`) or the OAuth `error` (`invalid_grant`). */
  type?: string;
}

/**
 * X answers errors in several shapes: RFC 7807 problems (`{title, detail, type, status}`, with
 * `errors[]` of more problems for invalid requests), the older `{errors:[{code, message}]}`
 * (429 code 88), the `Error` schema `{code, message}`, and RFC 6749 `{error, error_description}`
 * at the token endpoint.
 */
export function readError(text: string, fallback: string): Said {
  const body = errorBody(text, fallback);
  if (!('json' in body)) return body;
  const parsed = body.json;
  const str = nonEmpty;
  const first = Array.isArray(parsed.errors) ? (parsed.errors[0] as Record<string, unknown> | undefined) : undefined;
  const type = str(parsed.type) ?? str(first?.type);
  const message =
    [str(parsed.detail) ?? str(parsed.title), str(first?.message) ?? str(first?.detail)]
      .filter((m, i, all): m is string => m !== undefined && all.indexOf(m) === i)
      .map((m, i, all) => (i < all.length - 1 ? m.replace(/[.\s]+$/u, '') : m))
      .join(': ') ||
    str(parsed.error_description) ||
    str(parsed.message) ||
    str(parsed.error) ||
    fallback;
  const code = typeof parsed.code === 'number' ? parsed.code : typeof first?.code === 'number' ? first.code : undefined;
  return { message, code, type: type ? type.split('/').pop() : str(parsed.error) };
}

function classify(res: Response, text: string, operation: string, write: boolean, oauth: boolean): ConnectorError {
  const said = readError(text, res.statusText || `HTTP ${res.status}`);
  const details = { status: res.status, platformCode: said.code, operation };
  const say = `X ${operation}: ${said.message}${said.code !== undefined ? ` (code ${said.code})` : ''}`;
  // The token endpoint answers 401 (or invalid_client) when Pinion's own client id or secret is
  // wrong: no account is at fault, and asking people to reconnect would not help.
  if (oauth && (res.status === 401 || said.type === 'invalid_client' || said.type === 'unauthorized_client')) {
    return new ConnectorError('misconfigured', `${say}; check the X client id and secret`, details);
  }
  if (res.status === 401) return new ConnectorError('auth_expired', say, details);
  if (res.status === 429) return new ConnectorError('rate_limited', say, { ...details, retryAt: retryAt(res) });
  // The app itself is not allowed this endpoint (not in a project, wrong access level).
  if (res.status === 403 && said.type === 'client-forbidden')
    return new ConnectorError('misconfigured', `${say}; check the X app's project and access level`, details);
  if (res.status >= 500 || res.status === 408) {
    // A gateway error on a post write may come after X committed the post: look for it before
    // posting again. 503 says X turned the request away, so nothing was made.
    if (write && res.status !== 503) return new ConnectorError('unknown_outcome', say, details);
    return new ConnectorError('retryable', say, details);
  }
  if (res.status === 404) return new ConnectorError('not_found', say, details);
  // 400 invalid request, 403 duplicate content or not permitted, 409, 413…: retrying will not help.
  return new ConnectorError('rejected', say, details);
}

/** `x-rate-limit-reset` is the epoch second the window resets; Retry-After (seconds) is honoured too. */
function retryAt(res: Response): Date {
  const reset = Number(res.headers.get('x-rate-limit-reset'));
  if (Number.isFinite(reset) && reset > 0) return new Date(Math.max(reset * 1000, Date.now() + 1000));
  const after = Number(res.headers.get('retry-after'));
  return new Date(Date.now() + (Number.isFinite(after) && after > 0 ? after * 1000 : 60_000));
}
