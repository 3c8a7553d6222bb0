/**
 * LinkedIn's error bodies: `{status, serviceErrorCode, code, message}` for the REST API, Rest.li
 * validation failures as `{status: 422, message: "ERROR :: /path :: …"}`, and RFC 6749
 * `{error, error_description}` at the OAuth endpoints. The thrown error carries status and body.
 */
export class LinkedInError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message ?? body.error_description ?? body.error ?? status));
  }
}

const api = (status: number, code: string, message: string, serviceErrorCode?: number) =>
  new LinkedInError(status, { status, ...(serviceErrorCode !== undefined && { serviceErrorCode }), code, message });

export const errors = {
  // Seen verbatim in integrators' reports (n8n-io/n8n#14737, ComposioHQ/composio#3231).
  versionNotActive: (version: string) => api(426, 'NONEXISTENT_VERSION', `Requested version ${version} is not active`),
  versionMissing: () => api(400, 'VERSION_MISSING', 'A version must be present. Please specify a version by adding the LinkedIn-Version header.'),
  // Guess: LinkedIn does not document a refusal for a missing X-Restli-Protocol-Version; finders then misread their parameters.
  restliMissing: () => api(400, 'ILLEGAL_ARGUMENT', 'X-Restli-Protocol-Version 2.0.0 is required for this request'),
  invalidToken: () => api(401, 'INVALID_ACCESS_TOKEN', 'Invalid access token', 65600),
  expiredToken: () => api(401, 'EXPIRED_ACCESS_TOKEN', 'The token used in the request has expired', 65601),
  accessDenied: (detail: string) => api(403, 'ACCESS_DENIED', detail, 100),
  notFound: (what: string) => api(404, 'NOT_FOUND', `${what} does not exist`),
  illegalArgument: (message: string) => api(400, 'ILLEGAL_ARGUMENT', message),
  /** Rest.li data validation: one line per problem, as LinkedIn's Posts API answers. */
  validation: (problems: Array<[path: string, message: string]>) =>
    new LinkedInError(422, { status: 422, message: problems.map(([path, m]) => `ERROR :: ${path} :: ${m}`).join('\n') }),
  // The wording LinkedIn's throttles use ("Resource level throttle … DAY limit for calls to this resource is reached.").
  dailyLimit: (who: 'MEMBER' | 'APPLICATION') =>
    api(429, 'TOO_MANY_REQUESTS', `Resource level throttle ${who} DAY limit for calls to this resource is reached.`, 101),
  injected: (status: 500 | 503) =>
    api(status, status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR', status === 503 ? 'Service unavailable' : 'Internal Server Error'),
  oauth: (status: number, error: string, description: string) => new LinkedInError(status, { error, error_description: description }),
};
