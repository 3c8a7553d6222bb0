import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { dropConnection } from '../common/index.js';
import type { SandboxContext } from './context.js';
import { LinkedInError, errors } from './errors.js';
import type { IssuedToken, Member } from './state.js';

export interface OperationSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify route (`/rest/posts/:urn`). */
  url: string;
  /** Name in stats, faults and messages (`POST /rest/posts`); a function when the query picks the action. */
  name: string | ((request: FastifyRequest) => string);
  /** `/rest` calls need LinkedIn-Version and X-Restli-Protocol-Version. */
  versioned?: boolean;
  /** Bearer token needed (default true); `optional` for pre-signed upload URLs. */
  auth?: boolean | 'optional';
  /** Any one of these scopes suffices. */
  scopes?: string[];
  /** Counts against the member's and the app's daily limits (the throttled resource). */
  daily?: boolean;
}

export interface Call {
  request: FastifyRequest;
  member?: Member;
  token?: IssuedToken;
}
export interface OperationResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DAY_MS = 86_400_000;

export function sendError(reply: FastifyReply, error: LinkedInError): FastifyReply {
  return reply.code(error.status).type('application/json').send(error.body);
}

/** Is `version` (YYYYMM) one LinkedIn serves now? Monthly versions live about a year. */
export function versionActive(ctx: SandboxContext, version: string, now = new Date()): boolean {
  if (ctx.options.activeVersions) return ctx.options.activeVersions.includes(version);
  const m = /^(\d{4})(\d{2})$/.exec(version);
  if (!m) return false;
  const month = Number(m[1]) * 12 + Number(m[2]) - 1;
  if (Number(m[2]) < 1 || Number(m[2]) > 12) return false;
  const current = now.getUTCFullYear() * 12 + now.getUTCMonth();
  return month <= current && month > current - ctx.options.versionLifetimeMonths;
}

function authenticate(ctx: SandboxContext, request: FastifyRequest): { member: Member; token: IssuedToken } {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  const token = match?.[1] ? ctx.state.tokens.get(match[1]) : undefined;
  if (!token || token.kind !== 'access') throw errors.invalidToken();
  if (token.expiresAt <= Date.now()) throw errors.expiredToken();
  const member = ctx.state.members.get(token.memberId);
  if (!member) throw errors.invalidToken();
  return { member, token };
}

/** Counts one call against a daily limit; false when the day's calls are used up (reset at 00:00 UTC). */
function takeDaily(ctx: SandboxContext, key: string, limit: number): boolean {
  const day = `${key}:${Math.floor(Date.now() / DAY_MS)}`;
  const used = ctx.state.daily.get(day) ?? 0;
  if (used >= limit) return false;
  ctx.state.daily.set(day, used + 1);
  return true;
}

/**
 * Registers one emulated operation. The order is the point: version and auth first, then the
 * daily throttle, then faults that must have no side effect (5xx, hang, drop) before the handler
 * runs; drop-after-commit only after it has committed.
 */
export function defineOperation(app: FastifyInstance, ctx: SandboxContext, spec: OperationSpec, handler: (call: Call) => Promise<OperationResult>): void {
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (request, reply) => {
      const name = typeof spec.name === 'function' ? spec.name(request) : spec.name;
      const latency = ctx.faults.latencyFor(name);
      if (latency > 0) await sleep(latency);
      try {
        let member: Member | undefined;
        let token: IssuedToken | undefined;
        const auth = spec.auth ?? true;
        if (auth === true || (auth === 'optional' && request.headers.authorization)) {
          try {
            ({ member, token } = authenticate(ctx, request));
          } finally {
            ctx.state.countCall(name, member?.id);
          }
        } else {
          ctx.state.countCall(name);
        }
        if (spec.versioned) {
          const version = request.headers['linkedin-version'];
          if (typeof version !== 'string' || version === '') throw errors.versionMissing();
          if (!versionActive(ctx, version)) throw errors.versionNotActive(version);
          if (ctx.options.requireRestliHeader && request.headers['x-restli-protocol-version'] !== '2.0.0') throw errors.restliMissing();
        }
        if (spec.scopes && token && !spec.scopes.some((s) => token!.scopes.includes(s))) throw errors.accessDenied(`Not enough permissions to access: ${name}`);
        if (spec.daily && member && token) {
          if (!takeDaily(ctx, `app:${token.clientId}:${name}`, ctx.options.appDailyLimit)) throw errors.dailyLimit('APPLICATION');
          if (!takeDaily(ctx, `member:${member.id}:${name}`, ctx.options.memberDailyLimit)) throw errors.dailyLimit('MEMBER');
        }

        const fault = ctx.faults.decide(name, spec.method);
        if (fault === 'error') throw errors.injected(ctx.faults.pickErrorStatus());
        if (fault === 'timeout') return ctx.held.hold(request, reply, ctx.faults.hangMs);
        if (fault === 'drop') return dropConnection(request, reply);

        const result = await handler({ request, member, token });
        if (fault === 'drop-after-commit') return dropConnection(request, reply);
        for (const [k, v] of Object.entries(result.headers ?? {})) reply.header(k, v);
        reply.code(result.status);
        if (result.body === undefined) return reply.send();
        return reply.type('application/json').send(result.body);
      } catch (error) {
        if (error instanceof LinkedInError) return sendError(reply, error);
        throw error;
      }
    },
  });
}
