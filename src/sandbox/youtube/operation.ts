import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { dropConnection } from '../common/index.js';
import { sleep } from '../../shared/clock.js';
import { DISCOVERY_SHAPES } from './discovery-shapes.js';
import { pacificDay, type QuotaOperation, type YouTubeContext } from './context.js';
import { errors, GoogleError, OAuthError } from './errors.js';
import type { Channel, IssuedToken } from './state.js';
import { checkQuery } from './validate.js';

export interface Call {
  request: FastifyRequest;
  reply: FastifyReply;
  channel: Channel;
  token: IssuedToken;
  query: Record<string, string>;
}

export interface Result {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function sendGoogleError(reply: FastifyReply, error: GoogleError): FastifyReply {
  return reply.code(error.code).type('application/json; charset=UTF-8').send(error.body);
}

/**
 * Faults, latency and error rendering, the same for every route. Faults and call counts are named
 * `METHOD /path` as the route is written, or as `nameOf` tells requests of one route apart.
 */
export function route(
  app: FastifyInstance,
  ctx: YouTubeContext,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  handler: (request: FastifyRequest, reply: FastifyReply) => Promise<Result>,
  nameOf?: (request: FastifyRequest) => string,
): void {
  app.route({
    method,
    url: path,
    handler: async (request, reply) => {
      const name = nameOf?.(request) ?? `${method} ${path}`;
      ctx.state.countCall(name);
      const latency = ctx.faults.latencyFor(name);
      if (latency > 0) await sleep(latency);
      try {
        const fault = ctx.faults.decide(name, method);
        if (fault === 'error') throw errors.injected(ctx.faults.pickErrorStatus());
        if (fault === 'timeout') return ctx.held.hold(request, reply, ctx.faults.hangMs);
        const result = await handler(request, reply);
        if (fault === 'drop-after-commit') return dropConnection(request, reply);
        for (const [k, v] of Object.entries(result.headers ?? {})) reply.header(k, v);
        if (result.body === undefined) return reply.code(result.status).send();
        return reply.code(result.status).type('application/json; charset=UTF-8').send(result.body);
      } catch (error) {
        if (error instanceof GoogleError) return sendGoogleError(reply, error);
        if (error instanceof OAuthError)
          return reply.code(error.status).type('application/json; charset=utf-8').send({ error: error.error, error_description: error.description });
        throw error;
      }
    },
  });
}

function authenticate(ctx: YouTubeContext, request: FastifyRequest): { channel: Channel; token: IssuedToken } {
  const header = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const given = header ?? (request.query as Record<string, string>).access_token;
  const token = given === undefined ? undefined : ctx.state.tokens.get(given);
  if (!token || token.kind !== 'access' || token.expiresAt <= ctx.clock.now()) throw errors.unauthorized();
  const channel = ctx.state.channels.get(token.channelId);
  if (!channel) throw errors.unauthorized();
  return { channel, token };
}

/** Whether the call's units fit the project's (the OAuth client's) Pacific day: 403 quotaExceeded when they would not. */
function quotaKey(ctx: YouTubeContext, clientId: string): string {
  return `${clientId}|${pacificDay(ctx.clock.now())}`;
}

export function checkQuota(ctx: YouTubeContext, clientId: string, operation: QuotaOperation): void {
  if ((ctx.state.quotaUsed.get(quotaKey(ctx, clientId)) ?? 0) + ctx.options.costs[operation] > ctx.options.unitsPerDay) throw errors.quotaExceeded();
}

function charge(ctx: YouTubeContext, clientId: string, units: number): void {
  const key = quotaKey(ctx, clientId);
  ctx.state.quotaUsed.set(key, (ctx.state.quotaUsed.get(key) ?? 0) + units);
}

/**
 * A Data API method as Discovery describes it (`youtube.videos.list`…). Order per request:
 * authentication → scopes (any one of the method's) → query parameters against Discovery →
 * quota units → handler. A request refused as invalid costs one unit ("invalid requests incur a
 * quota cost of at least one point"); any other costs the method's units.
 */
export function apiMethod(
  app: FastifyInstance,
  ctx: YouTubeContext,
  spec: { id: string; path: string; quota: QuotaOperation | null; method?: 'PUT' },
  handler: (call: Call) => Promise<Result>,
): void {
  const shape = DISCOVERY_SHAPES.methods[spec.id]!;
  const method = spec.method ?? (shape.httpMethod as 'GET' | 'POST' | 'DELETE');
  route(app, ctx, method, spec.path, async (request, reply) => {
    const { channel, token } = authenticate(ctx, request);
    if (!shape.scopes.some((s) => token.scopes.includes(s))) throw errors.insufficientScopes();
    let query: Record<string, string>;
    try {
      query = checkQuery(shape, request.query as Record<string, string | string[]>);
    } catch (err) {
      charge(ctx, token.clientId, 1);
      throw err;
    }
    if (!spec.quota) return handler({ request, reply, channel, token, query });
    checkQuota(ctx, token.clientId, spec.quota);
    try {
      const result = await handler({ request, reply, channel, token, query });
      charge(ctx, token.clientId, ctx.options.costs[spec.quota]);
      return result;
    } catch (err) {
      charge(ctx, token.clientId, err instanceof GoogleError && err.code === 400 ? 1 : ctx.options.costs[spec.quota]);
      throw err;
    }
  });
}
