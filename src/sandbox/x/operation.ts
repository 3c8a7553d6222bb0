import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { dropConnection } from '../common/index.js';
import { sleep } from '../../shared/clock.js';
import type { XContext } from './context.js';
import { OAuthError, problems, XProblem } from './errors.js';
import type { WindowState } from './rate-limit.js';
import type { IssuedToken, XUser } from './state.js';

export interface OperationSpec {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path as written in the spec, e.g. '/2/tweets/{id}'. */
  path: string;
  /** The OAuth2UserToken scopes the spec's `security` lists for the operation; all are required. */
  scopes: string[];
  /** Bytes a JSON body may have; Fastify's default is 1 MB. */
  bodyLimit?: number;
}

export interface OperationResult {
  status: number;
  body: unknown;
}

export interface Call {
  request: FastifyRequest;
  user: XUser;
  token: IssuedToken;
}

export function sendProblem(reply: FastifyReply, problem: XProblem): FastifyReply {
  return reply.code(problem.status).type('application/problem+json').send(problem.body);
}

function authenticate(ctx: XContext, request: FastifyRequest): { user: XUser; token: IssuedToken } {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  const token = match?.[1] === undefined ? undefined : ctx.state.tokens.get(match[1]);
  if (!token || token.kind !== 'access' || token.expiresAt <= ctx.clock.now()) throw problems.unauthorized();
  const user = ctx.state.users.get(token.userId);
  if (!user) throw problems.unauthorized();
  return { user, token };
}

function rateLimitHeaders(reply: FastifyReply, user: WindowState | null, app: WindowState | null): void {
  const primary = user ?? app;
  if (primary) {
    reply.header('x-rate-limit-limit', String(primary.budget.limit));
    reply.header('x-rate-limit-remaining', String(primary.remaining));
    reply.header('x-rate-limit-reset', String(primary.resetAt));
  }
  // X reports the app-wide daily cap of POST /2/tweets separately (seen in live responses, not in the docs).
  if (app && user && app.budget.windowSeconds === 86_400) {
    reply.header('x-app-limit-24hour-limit', String(app.budget.limit));
    reply.header('x-app-limit-24hour-remaining', String(app.remaining));
    reply.header('x-app-limit-24hour-reset', String(app.resetAt));
  }
}

export const operationName = (spec: Pick<OperationSpec, 'method' | 'path'>) => `${spec.method} ${spec.path}`;

type Prepared = { run: () => Promise<OperationResult> };

/**
 * Order per request: latency → authentication → call counted → scope check → rate limit → fault decision → handler.
 * Faults without side effects (5xx, hang) are decided before the handler runs; drop-after-commit only after it has committed.
 */
function route(
  app: FastifyInstance,
  ctx: XContext,
  spec: Pick<OperationSpec, 'method' | 'path' | 'bodyLimit'>,
  prepare: (request: FastifyRequest, reply: FastifyReply) => Prepared,
): void {
  const name = operationName(spec);
  app.route({
    method: spec.method,
    url: spec.path.replace(/\{(\w+)\}/g, ':$1'),
    ...(spec.bodyLimit === undefined ? {} : { bodyLimit: spec.bodyLimit }),
    handler: async (request, reply) => {
      const latency = ctx.faults.latencyFor(name);
      // Latency is wall-clock time on the wire, not sandbox time, so it never waits on a test's manual clock.
      if (latency > 0) await sleep(latency);
      try {
        const { run } = prepare(request, reply);
        const fault = ctx.faults.decide(name, spec.method);
        if (fault === 'error') throw problems.injected(ctx.faults.pickErrorStatus());
        if (fault === 'timeout') return ctx.held.hold(request, reply, ctx.faults.hangMs);
        const result = await run();
        if (fault === 'drop-after-commit') return dropConnection(request, reply);
        return reply.code(result.status).type('application/json').send(result.body);
      } catch (error) {
        if (error instanceof XProblem) return sendProblem(reply, error);
        if (error instanceof OAuthError)
          return reply.code(error.status).type('application/json').send({ error: error.error, error_description: error.description });
        throw error;
      }
    },
  });
}

/** An API operation called with a user's bearer token. */
export function defineOperation(app: FastifyInstance, ctx: XContext, spec: OperationSpec, handler: (call: Call) => Promise<OperationResult>): void {
  const name = operationName(spec);
  route(app, ctx, spec, (request, reply) => {
    let auth: { user: XUser; token: IssuedToken };
    try {
      auth = authenticate(ctx, request);
    } catch (error) {
      ctx.state.countCall(name);
      throw error;
    }
    ctx.state.countCall(name, auth.user.id);
    if (!spec.scopes.every((scope) => auth.token.scopes.includes(scope))) throw problems.forbidden();
    const limit = ctx.limiter.take(name, `${auth.user.id}:${auth.token.clientId}`, auth.token.clientId, ctx.clock.now());
    if (ctx.options.rateLimitHeaders) rateLimitHeaders(reply, limit.user, limit.app);
    if (!limit.allowed) throw problems.tooManyRequests();
    return { run: () => handler({ request, ...auth }) };
  });
}

/** The OAuth token endpoints: the client authenticates inside the handler; counted and faulted like the rest, not rate limited. */
export function defineClientOperation(
  app: FastifyInstance,
  ctx: XContext,
  spec: Pick<OperationSpec, 'method' | 'path'>,
  handler: (request: FastifyRequest) => Promise<OperationResult>,
): void {
  const name = operationName(spec);
  route(app, ctx, spec, (request) => {
    ctx.state.countCall(name);
    return { run: () => handler(request) };
  });
}
