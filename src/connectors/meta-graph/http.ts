import { systemClock, type Clock } from '../../shared/index.js';
import { ConnectorError } from '../errors.js';
import { metaUrl, type MetaHost } from './hosts.js';
import { mustWait, recordUsage } from './usage.js';
import { nonEmpty } from '../error-body.js';
import { sendOnce } from '../send.js';

export interface GraphHttpOptions {
  /** Human name of the platform, for messages ("Instagram"). */
  platform: string;
  apiBaseUrl: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  clock?: Clock;
}

export interface GraphCall {
  method: 'GET' | 'POST' | 'DELETE';
  host: MetaHost;
  path: string;
  /** The access token (sent as `Authorization: Bearer`, or `OAuth` for resumable uploads). */
  token?: string;
  authScheme?: 'Bearer' | 'OAuth';
  query?: Record<string, string | number | boolean | undefined>;
  form?: Record<string, string | number | boolean | undefined>;
  multipart?: FormData;
  body?: Buffer;
  headers?: Record<string, string>;
  /** The call makes a post: a lost answer leaves a post that may exist (an unknown outcome). */
  makes?: boolean;
  /** A token-endpoint call: errors naming the app's credentials are Pinion's misconfiguration. */
  oauth?: boolean;
}

/** Meta's error, from the Graph shape `{error:{message,code,error_subcode,…}}` or Threads' token shape `{error_type,code,error_message}`. */
export interface GraphError {
  message: string;
  code?: number;
  subcode?: number;
  userMessage?: string;
}

const ids = (path: string) => path.split('/').filter((s) => /^\d+(_\d+)?$/.test(s));
const defined = (o: Record<string, string | number | boolean | undefined>) =>
  Object.entries(o).filter((e): e is [string, string | number | boolean] => e[1] !== undefined);

/** One Graph API call with its failure classified once, so callers act on kinds, never on codes. */
export async function callGraph<T>(opts: GraphHttpOptions, call: GraphCall): Promise<T> {
  const clock = opts.clock ?? systemClock;
  const url = metaUrl(opts.apiBaseUrl, call.host, call.path);
  for (const [k, v] of defined(call.query ?? {})) url.searchParams.set(k, String(v));
  const operation = `${call.method} ${call.path.replace(/\/v\d+\.\d+/, '').replace(/\/\d+(_\d+)?(?=\/|$)/g, '/{id}')}`;
  const say = (m: string) => `${opts.platform} ${operation}: ${m}`;
  if (call.method === 'POST' && !call.oauth) {
    const busy = mustWait(url.host, ids(call.path), clock);
    if (busy) {
      const at = new Date(busy.until);
      throw new ConnectorError(
        'rate_limited',
        say(`Meta reports usage at ${busy.percent}% (${busy.header}); Pinion waits until ${at.toISOString()} before writing again`),
        { retryAt: at, operation },
      );
    }
  }
  const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
  if (call.token) headers.authorization = `${call.authScheme ?? 'Bearer'} ${call.token}`;
  let body: string | FormData | Uint8Array | undefined;
  if (call.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(defined(call.form).map(([k, v]) => [k, String(v)])).toString();
  } else if (call.multipart) body = call.multipart;
  else if (call.body) body = new Uint8Array(call.body);

  const { res, text } = await sendOnce(
    url,
    { method: call.method, headers, body: body as BodyInit | undefined },
    { write: call.makes ?? false, operation, subject: `${opts.platform} ${operation}`, fetch: opts.fetch, timeoutMs: opts.timeoutMs },
  );
  recordUsage(res.headers, url.host, clock);
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (res.ok && parsed !== undefined) return parsed as T;
  if (res.ok) throw new ConnectorError(call.makes ? 'unknown_outcome' : 'retryable', say('answer is not JSON'), { operation, status: res.status });
  throw classifyGraphError(res.status, readGraphError(parsed, text || `HTTP ${res.status}`), {
    operation,
    say,
    makes: call.makes ?? false,
    oauth: call.oauth ?? false,
    headers: res.headers,
    now: clock.now(),
  });
}

export function readGraphError(parsed: unknown, fallback: string): GraphError {
  const o = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
  const e = (o.error && typeof o.error === 'object' ? o.error : o) as Record<string, unknown>;
  const str = nonEmpty;
  const int = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : undefined);
  return {
    message: str(e.message) ?? str(e.error_message) ?? str(o.error_message) ?? str(o.error_description) ?? fallback.slice(0, 300),
    code: int(e.code),
    subcode: int(e.error_subcode),
    userMessage: str(e.error_user_msg),
  };
}

const RATE_LIMIT_CODES = new Set([4, 17, 32, 341, 613, 80001, 80002, 80004]);
const TRANSIENT_CODES = new Set([1, 2, -1, -2]);
/** Instagram's "publish quota reached" (code 9, subcode 2207042). */
export const QUOTA_SUBCODE = 2207042;

/** Meta's Graph codes to Pinion's kinds, decided here once for the three platforms. */
export function classifyGraphError(
  status: number,
  e: GraphError,
  ctx: { operation: string; say(m: string): string; makes: boolean; oauth: boolean; headers?: Headers; now: number },
): ConnectorError {
  const text = `${e.message}${e.userMessage && e.userMessage !== e.message ? ` — ${e.userMessage}` : ''}`;
  const codes = e.code !== undefined ? ` (code ${e.code}${e.subcode !== undefined ? `, subcode ${e.subcode}` : ''})` : '';
  const message = ctx.say(`${text}${codes}`);
  const details = { status, platformCode: e.code, operation: ctx.operation };
  // 101 invalid app id, 191 redirect URI not allowed, 1 "Error validating client secret": the app is wrong, not the person.
  if (ctx.oauth && (e.code === 101 || e.code === 191 || /client[ _](secret|id)/i.test(e.message)))
    return new ConnectorError('misconfigured', `${message}; check the app id and secret`, details);
  if (e.code === 190 || e.code === 102 || status === 401) return new ConnectorError('auth_expired', message, details);
  if ((e.code !== undefined && RATE_LIMIT_CODES.has(e.code)) || e.subcode === QUOTA_SUBCODE || status === 429) {
    return new ConnectorError('rate_limited', message, {
      ...details,
      retryAt: regainAt(ctx.headers, ctx.now, e.subcode === QUOTA_SUBCODE ? 3600_000 : 600_000),
    });
  }
  if ((e.code !== undefined && TRANSIENT_CODES.has(e.code)) || status >= 500 || status === 408) {
    // Meta may have made the post before its server failed: look for it before posting again.
    return new ConnectorError(ctx.makes && status !== 503 ? 'unknown_outcome' : 'retryable', message, details);
  }
  if (status === 404 || (e.code === 100 && e.subcode === 33)) return new ConnectorError('not_found', message, details);
  // 368 blocked for policy, 506 duplicate, 100 bad parameter, 10/200–299 permission, 9004 media fetch failed…
  return new ConnectorError('rejected', message, details);
}

/** When Meta says access comes back (the largest `estimated_time_to_regain_access`, minutes), else `fallbackMs` from now. */
function regainAt(headers: Headers | undefined, now: number, fallbackMs: number): Date {
  let minutes = 0;
  try {
    const buc = JSON.parse(headers?.get('x-business-use-case-usage') ?? '{}') as Record<string, Array<{ estimated_time_to_regain_access?: number }>>;
    for (const entries of Object.values(buc)) for (const e of entries ?? []) minutes = Math.max(minutes, e.estimated_time_to_regain_access ?? 0);
  } catch {
    /* no usable header */
  }
  return new Date(now + (minutes > 0 ? minutes * 60_000 : fallbackMs));
}
