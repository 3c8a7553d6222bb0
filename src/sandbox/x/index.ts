import formbody from '@fastify/formbody';
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import {
  documentRoutes,
  FaultInjector,
  HeldConnections,
  restoreMaps,
  snapshotMaps,
  type FaultConfig,
  type SnapshotBlobs,
  serveAtRoot,
  type ServedSandbox,
} from '../common/index.js';
import { DESCRIPTION, ROUTE_DOCS } from './openapi.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import type { ResolvedOptions, XContext } from './context.js';
import { problems, XProblem } from './errors.js';
import { registerInspectionRoutes, sandboxStats } from './inspection.js';
import { registerMediaRoutes } from './media.js';
import { registerAuthorizeRoutes } from './oauth-authorize.js';
import { registerTokenRoutes } from './oauth-token.js';
import { sendProblem } from './operation.js';
import { RateLimiter, type EndpointLimits, type XOperation } from './rate-limit.js';
import { XState, type XApp, type XUser } from './state.js';
import { issueTokens, type TokenResponse } from './tokens.js';
import { registerTweetRoutes } from './tweets.js';
import { registerUserRoutes } from './users.js';

export type { FaultConfig } from '../common/index.js';
export type { EndpointLimits, RateLimitBudget, XOperation } from './rate-limit.js';
export type { Media, Tweet, XApp, XUser } from './state.js';
export type { TokenResponse } from './tokens.js';
export { DEFAULT_RATE_LIMITS } from './rate-limit.js';
export { XState } from './state.js';

export interface XSandboxOptions {
  /** Registered OAuth 2.0 apps. Default: DEFAULT_APPS (one confidential, one public client), any redirect_uri. */
  apps?: XApp[];
  /** Default 7200 (2 h, authorization-code.mdx). */
  accessTokenTtlSeconds?: number;
  /** Not documented; default 180 days. */
  refreshTokenTtlSeconds?: number;
  /** Default 30 (authorization-code.mdx glossary). */
  authorizationCodeTtlSeconds?: number;
  /** Per operation `{user, app}` budgets over DEFAULT_RATE_LIMITS; null switches one off. */
  rateLimits?: Partial<Record<XOperation, EndpointLimits>>;
  /** Emit x-rate-limit-* headers; default true. */
  rateLimitHeaders?: boolean;
  /** Refuse a post whose text equals one of the user's live posts within duplicateWindowSeconds; default true. */
  rejectDuplicates?: boolean;
  /** Default 86400 (24 h); X does not publish the window. */
  duplicateWindowSeconds?: number;
  /** Status for text over 280 weighted characters: 400 (default) or 403, both seen in the wild. */
  tooLongStatus?: 400 | 403;
  /** `error` for a bad code/verifier/refresh token: 'invalid_request' (what X answers, default) or RFC 6749's 'invalid_grant'. */
  oauthGrantError?: 'invalid_request' | 'invalid_grant';
  /** Time a video or GIF spends pending + in_progress after finalize; default 1500. */
  mediaProcessingMs?: number;
  /** Lifetime of uploaded media; default 86400. */
  mediaExpiresAfterSeconds?: number;
  /** Answer post text as X shows it (links as t.co, `&<>` escaped, a t.co link for media); default true. */
  showTextAsX?: boolean;
  /** Edit-history field name(s) on posts: the docs say edit_history_tweet_ids, the spec edit_history_post_ids. Default both. */
  editHistoryFields?: ResolvedOptions['editHistoryFields'];
  faults?: FaultConfig;
  /** Time for expiries, rate-limit windows, media processing and ids; default the system clock. */
  clock?: Clock;
}

export interface XSandbox {
  /** Fastify plugin; register with or without a prefix: app.register(sandbox.plugin, { prefix: '/sandbox/x' }) */
  plugin: FastifyPluginAsync;
  state: XState;
  setFaults(f: FaultConfig): void;
  createUser(input?: { username?: string; name?: string }): XUser;
  /** Tokens for a user without the OAuth dance; a refresh token only when scopes include offline.access. */
  issueTokens(userId: string, scopes: string[], clientId?: string): TokenResponse;
  /** Per-operation and per-user call counts (same as GET /_sandbox/stats). */
  stats(): ReturnType<typeof sandboxStats>;
  /** Clears all state and rate-limit windows and restores the faults given at creation. */
  reset(): void;
  /** Users, tokens and content as text; media bytes to `blobs` when given (see common/snapshot.ts). */
  snapshot(blobs?: SnapshotBlobs): string;
  restore(snapshot: string, blobs?: SnapshotBlobs): void;
}

export const DEFAULT_APPS: XApp[] = [{ clientId: 'pinion-x-sandbox', clientSecret: 'pinion-x-sandbox-secret' }, { clientId: 'pinion-x-public' }];

export const ALL_POSTING_SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'media.write', 'offline.access'];

export function createXSandbox(options: XSandboxOptions = {}): XSandbox {
  const clock = options.clock ?? systemClock;
  const resolved: ResolvedOptions = {
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 7200,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 180 * 24 * 3600,
    authorizationCodeTtlSeconds: options.authorizationCodeTtlSeconds ?? 30,
    rateLimitHeaders: options.rateLimitHeaders ?? true,
    rejectDuplicates: options.rejectDuplicates ?? true,
    duplicateWindowSeconds: options.duplicateWindowSeconds ?? 24 * 3600,
    tooLongStatus: options.tooLongStatus ?? 400,
    oauthGrantError: options.oauthGrantError ?? 'invalid_request',
    mediaProcessingMs: options.mediaProcessingMs ?? 1500,
    mediaExpiresAfterSeconds: options.mediaExpiresAfterSeconds ?? 86_400,
    showTextAsX: options.showTextAsX ?? true,
    editHistoryFields: options.editHistoryFields ?? ['edit_history_tweet_ids', 'edit_history_post_ids'],
  };
  const state = new XState(options.apps ?? DEFAULT_APPS, clock);
  const ctx: XContext = {
    state,
    options: resolved,
    clock,
    faults: new FaultInjector(options.faults),
    limiter: new RateLimiter(options.rateLimits),
    held: new HeldConnections(),
  };

  const persisted = () =>
    ({
      users: state.users,
      apps: state.apps,
      authorizationCodes: state.authorizationCodes,
      tokens: state.tokens,
      tweets: state.tweets,
      media: state.media,
    }) as unknown as Record<string, Map<unknown, unknown>>;
  const reset = () => {
    state.reset();
    ctx.limiter.reset();
    ctx.faults.set(options.faults ?? {});
  };

  const plugin: FastifyPluginAsync = async (instance) => {
    documentRoutes(instance, { platform: 'X', description: DESCRIPTION, docs: ROUTE_DOCS });
    await instance.register(formbody);
    instance.setErrorHandler((error: FastifyError, _request, reply) => {
      if (error instanceof XProblem) return sendProblem(reply, error);
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) return sendProblem(reply, problems.invalidParameter('body', '', error.message, error.message));
      return sendProblem(reply, problems.injected(500));
    });
    instance.setNotFoundHandler((_request, reply) => sendProblem(reply, problems.routeNotFound()));
    instance.addHook('preClose', async () => ctx.held.releaseAll());
    registerAuthorizeRoutes(instance, ctx);
    registerTokenRoutes(instance, ctx);
    registerUserRoutes(instance, ctx);
    registerTweetRoutes(instance, ctx);
    await registerMediaRoutes(instance, ctx);
    registerInspectionRoutes(instance, ctx, reset);
  };

  return {
    plugin,
    state,
    setFaults: (f) => ctx.faults.set(f),
    createUser: (input = {}) => state.createUser(input),
    issueTokens: (userId, scopes, clientId) => {
      if (!state.users.has(userId)) throw new Error(`unknown sandbox user ${userId}`);
      return issueTokens(ctx, userId, scopes, clientId ?? [...state.apps.keys()][0] ?? DEFAULT_APPS[0]!.clientId);
    },
    stats: () => sandboxStats(state),
    reset,
    // Users, tokens and content; not call counters or rate-limit windows, which start afresh like a new day.
    snapshot: (blobs) => snapshotMaps(persisted(), { blobs }),
    restore: (text, blobs) => void restoreMaps(persisted(), text, blobs),
  };
}

/** Standalone server: the sandbox at the root, so `/2/...`, `/i/oauth2/authorize` and `/_sandbox/...`. */
export async function startXSandbox(opts: XSandboxOptions & { host?: string; port?: number; logger?: boolean } = {}): Promise<ServedSandbox<XSandbox>> {
  const { host, port, logger, ...options } = opts;
  return serveAtRoot(createXSandbox(options), { host, port, logger });
}
