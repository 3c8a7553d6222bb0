/**
 * X answers errors as RFC 7807 problems (`application/problem+json`). Typed problems use the kinds the spec's
 * `Problem` schema lists (https://api.x.com/2/problems/...); generic ones use `about:blank` with the HTTP reason as
 * title, which the docs list as "Generic error (see HTTP status code)" (x-api/fundamentals/response-codes-and-errors).
 */
export interface FieldError {
  /** The parameter and the value(s) it was given, as X reports them. */
  parameters: Record<string, string[]>;
  message: string;
}

export class XProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body['detail'] ?? body['title']));
  }
}

/** The OAuth 2.0 token and revoke endpoints answer RFC 6749 §5.2 errors instead of problems. */
export class OAuthError extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly error: 'invalid_request' | 'invalid_grant' | 'invalid_client' | 'unauthorized_client' | 'unsupported_grant_type',
    readonly description: string,
  ) {
    super(description);
  }
}

const PROBLEMS = 'https://api.x.com/2/problems';
const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function generic(status: number, detail?: string): XProblem {
  const title = REASONS[status] ?? 'Error';
  return new XProblem(status, { title, detail: detail ?? title, type: 'about:blank', status });
}

export function fieldError(parameter: string, value: unknown, message: string): FieldError {
  return { parameters: { [parameter]: [typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))] }, message };
}

/** Shape of X's 400s: one entry in `errors` per bad parameter, naming it and its value. */
function invalidRequest(fieldErrors: FieldError[], detail?: string): XProblem {
  return new XProblem(400, {
    errors: fieldErrors,
    title: 'Invalid Request',
    detail: detail ?? 'One or more parameters to your request was invalid.',
    type: `${PROBLEMS}/invalid-request`,
    status: 400,
  });
}

/** The `errors[]` entry X uses for a missing resource, also inside 200 answers (partial errors). */
export function notFoundEntry(resourceType: string, parameter: string, id: string) {
  return {
    value: id,
    detail: `Could not find ${resourceType} with ${parameter}: [${id}].`,
    title: 'Not Found Error',
    resource_type: resourceType,
    parameter,
    resource_id: id,
    type: `${PROBLEMS}/resource-not-found`,
  };
}

export const problems = {
  invalidRequest,
  /** One bad parameter; `detail` replaces the generic sentence when X has a specific one. */
  invalidParameter: (parameter: string, value: unknown, message: string, detail?: string) => invalidRequest([fieldError(parameter, value, message)], detail),
  unauthorized: () => generic(401),
  // Guess: a token without the operation's scopes is refused like any other forbidden call.
  forbidden: (detail?: string) => generic(403, detail),
  notFound: (resourceType: string, parameter: string, id: string) => new XProblem(404, { ...notFoundEntry(resourceType, parameter, id), status: 404 }),
  tooManyRequests: () => generic(429),
  injected: (status: 500 | 503) => generic(status),
  routeNotFound: () => generic(404, 'Sorry, that page does not exist'),
};
