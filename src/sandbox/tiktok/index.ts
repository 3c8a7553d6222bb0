import formbody from '@fastify/formbody';
import type { FastifyPluginAsync } from 'fastify';
import { registerApiRoutes } from './api.js';
import { sendError, type ResolvedOptions, type SandboxContext } from './context.js';
import { TikTokError } from './errors.js';
import { FaultInjector, type FaultConfig } from './faults.js';
import { documentRoutes, type SnapshotBlobs, serveAtRoot, type ServedSandbox } from '../common/index.js';
import { DESCRIPTION, ROUTE_DOCS } from './openapi.js';
import { registerInspectionRoutes, sandboxStats } from './inspection.js';
import { issueTokens, registerOAuthRoutes } from './oauth.js';
import { RateLimiter, type RateCategory } from './rate-limit.js';
import { SandboxState, type SandboxApp, type SandboxUser } from './state.js';
import { registerUploadRoute } from './upload.js';

export type { FaultConfig } from './faults.js';
export type { Post, Publish, SandboxUser } from './state.js';
export { SandboxState } from './state.js';
export { challengeMatches } from './oauth.js';
export { chunkProblem } from './api.js';

export interface TikTokSandboxOptions {
  /**
   * `host` or `host:port` a PULL_FROM_URL may fetch from though private (this machine's servers);
   * every other URL must reach a public address, as TikTok's servers would. Default: none.
   */
  fetchAllowHosts?: readonly string[] | (() => readonly string[]);
  /** Registered apps (client key and secret); default one: pinion-sandbox / pinion-sandbox-secret. */
  apps?: Array<{ clientId: string; clientSecret: string }>;
  /** Default 7200 (2 h, the newer docs' figure; older pages say 24 h). */
  accessTokenTtlSeconds?: number;
  /** Default 180 days (newer docs; older pages say 365 days). */
  refreshTokenTtlSeconds?: number;
  /** Default true: a refresh answers a new refresh token and the used one stops working. */
  rotateRefreshTokens?: boolean;
  /** How code_challenge is checked against code_verifier: 'hex' (default), 'base64url' (RFC 7636) or 'either'. */
  pkceChallenge?: 'hex' | 'base64url' | 'either';
  /** Refuse an authorize request without code_challenge (desktop/mobile apps); default false (web apps). */
  requirePkce?: boolean;
  /** How long processing takes once the bytes are in; default 1500 ms. */
  processingMs?: number;
  /** How long after PUBLISH_COMPLETE the public post id appears (moderation); default 0. */
  moderationMs?: number;
  /** upload_url lifetime; default 3600. */
  uploadUrlTtlSeconds?: number;
  /** Direct posts per creator per 24 h before spam_risk_too_many_posts; default 15 (integrators' figure). */
  dailyPostCap?: number;
  /** Inbox uploads per creator per 24 h before spam_risk_too_many_pending_share; default 5. */
  pendingShareCap?: number;
  /** An unaudited app: only SELF_ONLY is offered and anything else is refused; default false. */
  unaudited?: boolean;
  /** URL prefixes verified for PULL_FROM_URL; default: any URL is taken. */
  verifiedUrlPrefixes?: string[];
  /** A chunk sent again with the same bytes is a no-op (default true); false: 416. */
  acceptResentChunks?: boolean;
  /** Answer API errors (not OAuth or upload errors) with HTTP 200, the error only in the body; default false. */
  errorsWithHttp200?: boolean;
  /** Per-token per-minute limits; defaults init 6, creator_info 20, status 30, other 600. */
  rateLimits?: Partial<Record<RateCategory, number>>;
  /** The rate limit window; default 60000 ms. */
  rateWindowMs?: number;
  faults?: FaultConfig;
  publicBaseUrl?: string;
}

export interface TikTokSandbox {
  plugin: FastifyPluginAsync;
  state: SandboxState;
  setFaults(f: FaultConfig): void;
  createUser(input?: Partial<Omit<SandboxUser, 'openId'>>): SandboxUser;
  issueTokens(openId: string, scopes: string[]): ReturnType<typeof issueTokens>;
  stats(): ReturnType<typeof sandboxStats>;
  reset(): void;
  /** What a restart keeps (see SandboxState.snapshot); media bytes to `blobs` when given. */
  snapshot(blobs?: SnapshotBlobs): string;
  restore(snapshot: string, blobs?: SnapshotBlobs): void;
}

export const DEFAULT_APP = { clientId: 'pinion-sandbox', clientSecret: 'pinion-sandbox-secret' };

export function createTikTokSandbox(options: TikTokSandboxOptions = {}): TikTokSandbox {
  const allow = options.fetchAllowHosts;
  const resolved: ResolvedOptions = {
    fetchAllowHosts: typeof allow === 'function' ? allow : () => allow ?? [],
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 7200,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 180 * 86_400,
    rotateRefreshTokens: options.rotateRefreshTokens ?? true,
    pkceChallenge: options.pkceChallenge ?? 'hex',
    requirePkce: options.requirePkce ?? false,
    processingMs: options.processingMs ?? 1500,
    moderationMs: options.moderationMs ?? 0,
    uploadUrlTtlSeconds: options.uploadUrlTtlSeconds ?? 3600,
    dailyPostCap: options.dailyPostCap ?? 15,
    pendingShareCap: options.pendingShareCap ?? 5,
    unaudited: options.unaudited ?? false,
    acceptResentChunks: options.acceptResentChunks ?? true,
    errorsWithHttp200: options.errorsWithHttp200 ?? false,
    ...(options.verifiedUrlPrefixes && { verifiedUrlPrefixes: options.verifiedUrlPrefixes }),
    ...(options.publicBaseUrl !== undefined && { publicBaseUrl: options.publicBaseUrl.replace(/\/+$/, '') }),
  };
  const apps: SandboxApp[] = (options.apps ?? [DEFAULT_APP]).map((a) => ({ clientKey: a.clientId, clientSecret: a.clientSecret }));
  const state = new SandboxState(apps);
  let prefix = '';
  const ctx: SandboxContext = {
    state,
    options: resolved,
    faults: new FaultInjector(options.faults),
    limiter: new RateLimiter(options.rateLimits, options.rateWindowMs),
    hungSockets: new Set(),
    baseUrl: (request) => resolved.publicBaseUrl ?? `${request.protocol}://${request.host}${prefix}`,
  };
  const reset = () => {
    state.reset();
    ctx.limiter.reset();
    ctx.faults.set(options.faults ?? {});
  };

  const plugin: FastifyPluginAsync = async (instance) => {
    prefix = instance.prefix;
    documentRoutes(instance, { platform: 'TikTok', description: DESCRIPTION, docs: ROUTE_DOCS, baseUrl: ctx.baseUrl });
    await instance.register(formbody);
    instance.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      return sendError(reply, new TikTokError(status, status === 500 ? 'internal_error' : 'invalid_param', error.message));
    });
    instance.setNotFoundHandler((_request, reply) => sendError(reply, new TikTokError(404, 'not_found', 'Not found.')));
    instance.addHook('preClose', async () => {
      for (const socket of ctx.hungSockets) socket.destroy();
    });
    registerOAuthRoutes(instance, ctx);
    registerApiRoutes(instance, ctx);
    registerInspectionRoutes(instance, ctx, reset);
    await registerUploadRoute(instance, ctx);
  };

  return {
    plugin,
    state,
    setFaults: (f) => ctx.faults.set(f),
    createUser: (input) => state.createUser(input),
    issueTokens: (openId, scopes) => issueTokens(ctx, openId, apps[0]!.clientKey, scopes),
    stats: () => sandboxStats(ctx),
    reset,
    snapshot: (blobs) => state.snapshot(blobs),
    restore: (text, blobs) => state.restore(text, blobs),
  };
}

/** Standalone server: the emulator at the root, so `/v2/...`. */
export async function startTikTokSandbox(
  opts: TikTokSandboxOptions & { host?: string; port?: number; logger?: boolean } = {},
): Promise<ServedSandbox<TikTokSandbox>> {
  const { host, port, logger, ...options } = opts;
  return serveAtRoot(createTikTokSandbox(options), { host, port, logger });
}
