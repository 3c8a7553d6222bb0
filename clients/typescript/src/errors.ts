/** Pinion's problem+json body (RFC 9457), as every error answer carries it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: Array<{ field: string; message: string; line?: number; index?: number }>;
  request_id?: string;
  [extra: string]: unknown;
}

/** Any error answer of the API. Subclasses say which kind; `problem` holds the whole body. */
export class PinionError extends Error {
  readonly status: number;
  readonly type: string;
  readonly errors: NonNullable<Problem['errors']>;
  /** Quote it when reporting a problem: it finds the server's log line. */
  readonly requestId: string | undefined;

  constructor(readonly problem: Problem) {
    super(`${problem.detail ?? problem.title} (${problem.status})${(problem.errors ?? []).map((e) => `; ${e.field}: ${e.message}`).join('')}`);
    this.name = new.target.name;
    this.status = problem.status;
    this.type = problem.type;
    this.errors = problem.errors ?? [];
    this.requestId = problem.request_id;
  }
}

/** 400 and 422: the request, or a field of it, cannot be done as it is; `errors` names each field. */
export class PinionValidationError extends PinionError {}
/** 401 and 403: no key, an unknown or revoked key, or a key without the scope (`problem.required_scope`). */
export class PinionAuthError extends PinionError {}
export class PinionNotFoundError extends PinionError {}
/** 409: an Idempotency-Key reused with another body, a post already publishing, an account to reconnect… */
export class PinionConflictError extends PinionError {}
/** 429 after the client's retries: `retryAfterSeconds` says when to try again. */
export class PinionRateLimitError extends PinionError {
  constructor(
    problem: Problem,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(problem);
  }
}
/** 5xx: the server or a platform failed; safe to retry later. */
export class PinionServerError extends PinionError {}

/** The typed error for an error answer. */
export function toError(response: Response, body: unknown): PinionError {
  const problem: Problem =
    body && typeof body === 'object' && 'status' in body
      ? (body as Problem)
      : {
          type: 'about:blank',
          title: response.statusText || 'Error',
          status: response.status,
          detail: typeof body === 'string' ? body.slice(0, 200) : undefined,
        };
  const s = response.status;
  if (s === 429) return new PinionRateLimitError(problem, retryAfterSeconds(response));
  if (s === 400 || s === 422 || s === 413 || s === 415) return new PinionValidationError(problem);
  if (s === 401 || s === 403) return new PinionAuthError(problem);
  if (s === 404) return new PinionNotFoundError(problem);
  if (s === 409) return new PinionConflictError(problem);
  if (s >= 500) return new PinionServerError(problem);
  return new PinionError(problem);
}

/** Retry-After in seconds, from either of its forms (seconds, or an HTTP date). */
export function retryAfterSeconds(response: Response, now = Date.now()): number | undefined {
  const value = response.headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
