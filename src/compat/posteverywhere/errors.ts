/**
 * PostEverywhere's error body: `{ error: { message, code, details }, meta: { request_id } }`, with
 * its status codes (validation 400, auth 401, rate limit 429 with Retry-After). Pinion's problems
 * are translated here, once, with their field names put in PostEverywhere's words.
 */
export class PeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly retryAfter?: string,
  ) {
    super(message);
    this.name = 'PeError';
  }
}

export const peValidation = (field: string, message: string) => new PeError(400, 'validation_error', `${field} ${message}`, { errors: [{ field, message }] });
export const peNotFound = (what: string) => new PeError(404, 'not_found', `${what} not found`);
export const peNotSupported = (what: string, instead?: string) =>
  new PeError(501, 'not_supported', `${what} is not supported by Pinion${instead ? `; ${instead}` : ''}`, { retryable: false });

/** A Pinion problem+json answer as the native API gave it. */
export interface NativeProblem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Array<{ field: string; message: string; index?: number }>;
  [extra: string]: unknown;
}

const CODES: Record<number, string> = {
  400: 'validation_error',
  401: 'authentication_failed',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  410: 'gone',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_error',
  429: 'rate_limit_exceeded',
  502: 'platform_error',
  503: 'service_unavailable',
};

/** Field paths of Pinion's post request in PostEverywhere's words. */
const FIELDS: Array<[RegExp, string]> = [
  [/^platforms\b/, 'account_ids'],
  [/^accounts\b/, 'account_ids'],
  [/^media_id\b/, 'media_ids'],
  [/^scheduled_at\b/, 'scheduled_for'],
  [/^platform_options\b/, 'platform_content'],
  [/^max_bytes\b/, 'file_size'],
  [/^failed_since\b/, 'failed_after'],
  [/^failed_until\b/, 'failed_before'],
];
export const peField = (field: string) => {
  const m = /^(posts\.\d+\.)?(.*)$/.exec(field)!;
  const [, item = '', rest = ''] = m;
  for (const [pattern, name] of FIELDS) if (pattern.test(rest)) return item + rest.replace(pattern, name);
  return field;
};

/** Pinion's problem as PostEverywhere's error: the same message and fields, its status codes and codes. */
export function fromProblem(status: number, problem: NativeProblem, retryAfter?: string): PeError {
  const peStatus = status === 422 ? 400 : status;
  const { type, title, status: _s, detail, errors, request_id: _r, ...extra } = problem;
  const details: Record<string, unknown> = {
    ...extra,
    ...(errors ? { errors: errors.map((e) => ({ ...e, field: peField(e.field) })) } : {}),
    ...(type ? { pinion_problem: type } : {}),
  };
  const message = [detail ?? title ?? `Request failed with status ${status}`, ...(errors ?? []).map((e) => `${peField(e.field)} ${e.message}`)].join('; ');
  const code = status === 403 && type?.endsWith('insufficient-scope') ? 'insufficient_scope' : (CODES[status] ?? (status >= 500 ? 'internal_error' : 'error'));
  return new PeError(peStatus, code, message, { ...details, retryable: status === 429 || status >= 500 }, retryAfter);
}
