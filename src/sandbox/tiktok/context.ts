import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError, TikTokError, errors } from './errors.js';
import type { FaultInjector } from './faults.js';
import type { RateCategory, RateLimiter } from './rate-limit.js';
import type { IssuedToken, SandboxState, SandboxUser } from './state.js';

export interface ResolvedOptions {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  rotateRefreshTokens: boolean;
  pkceChallenge: 'hex' | 'base64url' | 'either';
  requirePkce: boolean;
  processingMs: number;
  moderationMs: number;
  uploadUrlTtlSeconds: number;
  dailyPostCap: number;
  pendingShareCap: number;
  unaudited: boolean;
  verifiedUrlPrefixes?: string[];
  acceptResentChunks: boolean;
  /** Answer API errors with HTTP 200 (the error only in the body), as TikTok sometimes does. */
  errorsWithHttp200: boolean;
  publicBaseUrl?: string;
  /** Hosts a PULL_FROM_URL may reach though private (this machine's servers); read at each pull. */
  fetchAllowHosts: () => readonly string[];
}

export interface SandboxContext {
  state: SandboxState;
  options: ResolvedOptions;
  faults: FaultInjector;
  limiter: RateLimiter;
  hungSockets: Set<Socket>;
  baseUrl(request: FastifyRequest): string;
}

export interface Call {
  request: FastifyRequest;
  reply: FastifyReply;
  user: SandboxUser;
  token: IssuedToken;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function sendError(reply: FastifyReply, error: TikTokError | OAuthError, http200 = false): FastifyReply {
  return reply
    .code(http200 ? 200 : error.status)
    .type('application/json')
    .send(error.toBody());
}

function authenticate(ctx: SandboxContext, request: FastifyRequest): { user: SandboxUser; token: IssuedToken } {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  const token = match?.[1] ? ctx.state.tokens.get(match[1]) : undefined;
  if (!token || token.kind !== 'access' || token.revoked || token.expiresAt <= Date.now()) throw errors.tokenInvalid();
  const user = ctx.state.users.get(token.openId);
  if (!user) throw errors.tokenInvalid();
  return { user, token };
}

/**
 * One emulated operation, in the order that matters: authenticate, scope, rate limit (per token),
 * faults that must have no side effect (5xx, hang), the handler, then drop-after-commit.
 */
export function defineOperation(
  app: FastifyInstance,
  ctx: SandboxContext,
  spec: { method: 'GET' | 'POST'; path: string; category: RateCategory; scopes: string[]; write?: boolean },
  handler: (call: Call) => Promise<unknown>,
): void {
  const name = `${spec.method} ${spec.path}`;
  app.route({
    method: spec.method,
    url: spec.path,
    handler: async (request, reply) => {
      const latency = ctx.faults.latencyFor(name);
      if (latency > 0) await sleep(latency);
      try {
        let auth: { user: SandboxUser; token: IssuedToken };
        try {
          auth = authenticate(ctx, request);
        } catch (error) {
          ctx.state.countCall(name);
          throw error;
        }
        ctx.state.countCall(name, auth.user.openId);
        const missing = spec.scopes.find((s) => !auth.token.scopes.includes(s));
        if (missing) throw errors.scopeNotAuthorized(missing);
        if (!ctx.limiter.take(auth.token.token, spec.category)) throw errors.rateLimited();
        const fault = ctx.faults.decide(name, spec.write === true);
        if (fault === 'error') throw errors.internal(ctx.faults.pickErrorStatus());
        if (fault === 'timeout') return hang(ctx, request, reply);
        const body = await handler({ request, reply, ...auth });
        if (fault === 'drop-after-commit') return drop(request, reply);
        return reply.code(200).type('application/json').send(body);
      } catch (error) {
        if (error instanceof TikTokError || error instanceof OAuthError) return sendError(reply, error, ctx.options.errorsWithHttp200);
        throw error;
      }
    },
  });
}

export function hang(ctx: SandboxContext, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.hijack();
  const socket = request.raw.socket;
  ctx.hungSockets.add(socket);
  const timer = setTimeout(() => socket.destroy(), ctx.faults.hangMs);
  timer.unref();
  socket.once('close', () => {
    clearTimeout(timer);
    ctx.hungSockets.delete(socket);
  });
  return reply;
}

export function drop(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.hijack();
  request.raw.socket.destroy();
  return reply;
}
