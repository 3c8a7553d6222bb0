import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';

/** One bad input: `field` is a dotted path into the request (`platform_options.<platform>.title`). */
export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem details; `errors` names every bad field, not just the first. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
    request_id: Type.Optional(Type.String({ description: 'This request in the server log (also the X-Request-Id header): quote it when reporting a problem' })),
  },
  { $id: 'Problem', additionalProperties: true },
);
export type Problem = Static<typeof ProblemSchema>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Thrown anywhere behind a route; the error handler renders it as application/problem+json. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    detail: string,
    readonly errors?: FieldError[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }

  toProblem(): Problem {
    return {
      type: `urn:pinion:problem:${this.slug}`,
      title: TITLES[this.status] ?? 'Error',
      status: this.status,
      detail: this.message,
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extra,
    };
  }
}

export const notFound = (what: string) => new HttpProblem(404, 'not-found', `${what} not found`);
export const invalid = (errors: FieldError[], detail = 'The request has invalid fields') => new HttpProblem(422, 'validation', detail, errors);

export function sendProblem(reply: FastifyReply, problem: HttpProblem): FastifyReply {
  // A problem that says when to come back says it in the standard header too.
  const retryAt = problem.extra?.retry_at;
  if (typeof retryAt === 'string') reply.header('retry-after', Math.max(1, Math.ceil((Date.parse(retryAt) - Date.now()) / 1000)));
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send({ ...problem.toProblem(), request_id: String(reply.request.id) });
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Turns Ajv's errors into one entry per bad field, with dotted paths the caller recognises. */
export function fieldErrors(validation: AjvError[], context?: string): FieldError[] {
  const seen = new Map<string, FieldError>();
  for (const e of validation) {
    let path = e.instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required') path = join(path, String(e.params.missingProperty));
    if (e.keyword === 'required') message = 'is required';
    if (e.keyword === 'additionalProperties') {
      path = join(path, String(e.params.additionalProperty));
      message = 'is not a known field';
    }
    if (e.keyword === 'enum') message = `must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`;
    if (!path && context && context !== 'body') path = context;
    const field = path || '(body)';
    // anyOf/oneOf produce one error per branch; the first specific message per field is the useful one.
    if (!seen.has(field)) seen.set(field, { field, message });
  }
  return [...seen.values()];
}

const join = (a: string, b: string) => (a ? `${a}.${b}` : b);

/** Every error leaves the server as problem+json; internal details stay in the log. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpProblem, request, reply) => {
    if (error instanceof HttpProblem) return sendProblem(reply, error);
    const fe = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
    if (fe.validation) {
      const status = fe.validationContext === 'body' ? 422 : 400;
      return sendProblem(
        reply,
        new HttpProblem(status, 'validation', `Invalid ${fe.validationContext ?? 'request'}`, fieldErrors(fe.validation, fe.validationContext)),
      );
    }
    const status = fe.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return sendProblem(reply, new HttpProblem(status, 'internal', 'Something went wrong on our side; the error is logged.'));
    }
    const slug =
      fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'body-too-large' : fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported-media-type' : 'bad-request';
    return sendProblem(reply, new HttpProblem(status, slug, fe.message));
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, new HttpProblem(404, 'not-found', `No route ${request.method} ${request.url.split('?')[0]}`)));
}
