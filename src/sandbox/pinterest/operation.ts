import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { dropConnection } from '../common/index.js';
import type { SandboxContext } from './context.js';
import { PinterestError, errors } from './errors.js';
import { rateLimitHeaders, type RateLimitCategory } from './rate-limit.js';
import type { IssuedToken, SandboxApp, SandboxUser } from './state.js';

export interface OperationSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path as written in the spec, relative to /v5, e.g. '/boards/{board_id}'. */
  path: string;
  category: RateLimitCategory;
  /** Scopes the spec's `security` lists; all are required. Ignored for client (Basic) auth. */
  scopes: string[];
  auth?: 'bearer' | 'client';
}

export interface OperationResult {
  status: number;
  body?: unknown;
}

export interface BearerCall {
  request: FastifyRequest;
  user: SandboxUser;
  token: IssuedToken;
}

export interface ClientCall {
  request: FastifyRequest;
  app: SandboxApp;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function sendError(reply: FastifyReply, error: PinterestError): FastifyReply {
  return reply.code(error.status).type('application/json').send(error.toBody());
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

export function authenticateBearer(ctx: SandboxContext, request: FastifyRequest): { user: SandboxUser; token: IssuedToken } {
  const raw = bearerToken(request);
  const token = raw === undefined ? undefined : ctx.state.tokens.get(raw);
  if (!token || token.kind !== 'access' || token.expiresAt <= Date.now()) throw errors.authenticationFailed();
  const user = ctx.state.users.get(token.userId);
  if (!user) throw errors.authenticationFailed();
  return { user, token };
}

export function authenticateClient(ctx: SandboxContext, request: FastifyRequest): SandboxApp {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Basic\s+(\S+)$/i.exec(header);
  const refused = () => errors.invalidClient(ctx.options.invalidClientCode);
  if (!match?.[1]) throw refused();
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw refused();
  const app = ctx.state.apps.get(decodeURIComponent(decoded.slice(0, colon)));
  if (!app || app.clientSecret !== decodeURIComponent(decoded.slice(colon + 1))) throw refused();
  return app;
}

export function operationName(spec: Pick<OperationSpec, 'method' | 'path'>): string {
  return `${spec.method} /v5${spec.path}`;
}

/**
 * Registers one emulated operation. The pipeline order is the point: faults that must not have side effects
 * (5xx, hang) are decided before the handler runs; drop-after-commit only after it has committed.
 */
export function defineOperation(
  app: FastifyInstance,
  ctx: SandboxContext,
  spec: OperationSpec & { auth: 'client' },
  handler: (call: ClientCall) => Promise<OperationResult>,
): void;
export function defineOperation(
  app: FastifyInstance,
  ctx: SandboxContext,
  spec: OperationSpec & { auth?: 'bearer' },
  handler: (call: BearerCall) => Promise<OperationResult>,
): void;
export function defineOperation(
  app: FastifyInstance,
  ctx: SandboxContext,
  spec: OperationSpec,
  handler: ((call: BearerCall) => Promise<OperationResult>) | ((call: ClientCall) => Promise<OperationResult>),
): void {
  const name = operationName(spec);
  const url = spec.path.replace(/\{(\w+)\}/g, ':$1');
  app.route({
    method: spec.method,
    url,
    handler: async (request, reply) => {
      const latency = ctx.faults.latencyFor(name);
      if (latency > 0) await sleep(latency);
      try {
        let subject: string;
        let run: () => Promise<OperationResult>;
        if (spec.auth === 'client') {
          ctx.state.countCall(name);
          const client = authenticateClient(ctx, request);
          subject = `client:${client.clientId}`;
          run = () => (handler as (call: ClientCall) => Promise<OperationResult>)({ request, app: client });
        } else {
          let auth: { user: SandboxUser; token: IssuedToken };
          try {
            auth = authenticateBearer(ctx, request);
          } catch (error) {
            ctx.state.countCall(name);
            throw error;
          }
          ctx.state.countCall(name, auth.user.id);
          if (!spec.scopes.every((scope) => auth.token.scopes.includes(scope))) throw errors.insufficientScope();
          subject = `user:${auth.user.id}:${auth.token.clientId}`;
          run = () => (handler as (call: BearerCall) => Promise<OperationResult>)({ request, ...auth });
        }

        const limit = ctx.limiter.take(subject, spec.category);
        if (ctx.options.rateLimitHeaders) reply.headers(rateLimitHeaders(limit, ctx.options.rateLimitHeaders));
        if (!limit.allowed) throw errors.rateLimited();

        const fault = ctx.faults.decide(name, spec.method);
        if (fault === 'spam-block') throw errors.spamBlocked();
        if (fault === 'error') throw errors.injectedServerError(ctx.faults.pickErrorStatus());
        if (fault === 'timeout') return ctx.held.hold(request, reply, ctx.faults.hangMs);

        if (fault === 'drop-after-commit' && ctx.faults.commitDelayMs > 0) {
          // The caller hears nothing; the write lands later, whether or not the caller is still there.
          const late = ctx.faults.commitDelayMs;
          void ctx.clock
            .sleep(late)
            .then(run)
            .catch(() => undefined);
          return dropConnection(request, reply);
        }
        const result = await run();
        if (fault === 'drop-after-commit') return dropConnection(request, reply);
        reply.code(result.status);
        if (result.body === undefined) return reply.send();
        return reply.type('application/json').send(result.body);
      } catch (error) {
        if (error instanceof PinterestError) return sendError(reply, error);
        throw error;
      }
    },
  });
}
