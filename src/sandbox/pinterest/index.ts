import formbody from '@fastify/formbody';
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import { registerBoardRoutes } from './boards.js';
import type { ResolvedOptions, SandboxContext } from './context.js';
import { PinterestError } from './errors.js';
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
import { registerInspectionRoutes, sandboxStats } from './inspection.js';
import { registerMediaRoutes, registerUploadRoute } from './media.js';
import { registerAuthorizeRoutes } from './oauth-authorize.js';
import { registerTokenRoutes } from './oauth-token.js';
import { sendError } from './operation.js';
import { registerPinRoutes } from './pins.js';
import { RateLimiter, type RateLimitBudget, type RateLimitCategory, type RateLimitHeaderStyle } from './rate-limit.js';
import { systemClock, type Clock } from '../../shared/index.js';
import { SandboxState, type SandboxApp, type SandboxUser } from './state.js';
import { issueTokenPair, type TokenResponse } from './tokens.js';
import { registerAnalyticsRoutes } from './analytics.js';
import { registerSamplePages } from './sample-pages.js';

export type { FaultConfig } from '../common/index.js';
export type { RateLimitBudget, RateLimitCategory, RateLimitHeaderStyle } from './rate-limit.js';
export type { Board, BoardSection, MediaUpload, Pin, SandboxApp, SandboxUser } from './state.js';
export type { TokenResponse } from './tokens.js';
export { SandboxState } from './state.js';
export { MIN_IMAGE_SIDE } from './images.js';

export interface PinterestSandboxOptions {
  /** Registered OAuth apps. Default: one app { clientId: 'pinion-sandbox', clientSecret: 'pinion-sandbox-secret' } accepting any redirect_uri. */
  apps?: Array<{ clientId: string; clientSecret: string; redirectUris?: string[] }>;
  /** Default 30 days (2592000). */
  accessTokenTtlSeconds?: number;
  /** Default 60 days. */
  refreshTokenTtlSeconds?: number;
  /** Default 600 (10 minutes). */
  authorizationCodeTtlSeconds?: number;
  /** Defaults: org_write 100/60s, org_read 1000/60s (Standard tier per SUMMARY §8). */
  rateLimits?: Partial<Record<RateLimitCategory, RateLimitBudget>>;
  /** Universal per-user-per-app window; default 100 per second (Standard access). */
  perSecondLimit?: RateLimitBudget;
  /**
   * x-ratelimit-limit/remaining/reset. Default (true, 'structured'): production's list form `100, 100;w=1, 1000;w=60`
   * with the first item and reset describing the per-second window; 'nearest': the window nearest exhaustion first;
   * 'plain': the category window as single numbers; false: none.
   */
  rateLimitHeaders?: boolean | RateLimitHeaderStyle;
  /** `created_at` and other times: 'zoneless' UTC as production sends them (default), or 'utc-z' with a trailing Z. */
  timestamps?: 'zoneless' | 'utc-z';
  /** Separator of `scope` in token responses: ' ' (default, as production sends it) or ','. */
  scopeSeparator?: ' ' | ',';
  /** Refused grants: 'pinterest' (default) 401 code 283; 'rfc6749' 400 code 400 as OAuth 2 prescribes. */
  tokenErrors?: 'pinterest' | 'rfc6749';
  /** Code of the 401 for refused client credentials at the token endpoint; default 2 (a guess). */
  invalidClientCode?: number;
  /** An image URL Pinterest cannot fetch: 'could-not-fetch' (default) 400 code 1, or 'broken' 403 code 235. */
  imageFetchFailure?: 'could-not-fetch' | 'broken';
  /** List endpoints (boards, board/section pins, pins) leave out what was created less than this long ago; default 2000 (a guess). */
  listLagMs?: number;
  /** Order of `GET /v5/boards`: 'by-name' (default, as production lists them) or 'oldest-first'. */
  boardOrder?: 'by-name' | 'oldest-first';
  faults?: FaultConfig;
  /** Time a video stays 'processing' after upload; default 1500. */
  mediaProcessingMs?: number;
  /** Base URL clients reach the sandbox at, e.g. 'http://127.0.0.1:8080/sandbox/pinterest'; default: request Host + prefix. */
  publicBaseUrl?: string;
  /** Timeout for fetching image_url media; default 10000. */
  imageFetchTimeoutMs?: number;
  /** Size cap for fetched images; default 20 MB (Pinterest's published image limit, third-party source). */
  imageFetchMaxBytes?: number;
  /** Order of the pin lists (board, section, user pins); the spec does not say which. Default newest_first. */
  listOrder?: 'newest_first' | 'oldest_first';
  /** Time of pin creation and of late commits (`faults.commitDelayMs`); default the system clock. */
  clock?: Clock;
  /**
   * `host` or `host:port` whose images are fetched even though private (this machine's image
   * server, the sandbox itself); every other image URL must reach a public address, as with
   * Pinterest. A function is read at each fetch. Default: none (standalone: the sandbox's own address).
   */
  fetchAllowHosts?: readonly string[] | (() => readonly string[]);
}

export interface PinterestSandbox {
  /** Fastify plugin; register with or without a prefix: app.register(sandbox.plugin, { prefix: '/sandbox/pinterest' }) */
  plugin: FastifyPluginAsync;
  state: SandboxState;
  setFaults(f: FaultConfig): void;
  createUser(input?: { username?: string; accountType?: 'PINNER' | 'BUSINESS' }): SandboxUser;
  /** Issue tokens directly for a user (tests that don't care about the OAuth dance). */
  issueTokens(userId: string, scopes: string[], clientId?: string): TokenResponse;
  /** Per-operation and per-user call counts (same as GET /_sandbox/stats). */
  stats(): ReturnType<typeof sandboxStats>;
  /** Clears all state and rate-limit windows and restores the faults given at creation. */
  reset(): void;
  /** Users, tokens and content as text; media bytes to `blobs` when given (see common/snapshot.ts). */
  snapshot(blobs?: SnapshotBlobs): string;
  restore(snapshot: string, blobs?: SnapshotBlobs): void;
}

export const DEFAULT_APP: SandboxApp = { clientId: 'pinion-sandbox', clientSecret: 'pinion-sandbox-secret' };

export function createPinterestSandbox(options: PinterestSandboxOptions = {}): PinterestSandbox {
  const resolved: ResolvedOptions = {
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 30 * 24 * 3600,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 60 * 24 * 3600,
    authorizationCodeTtlSeconds: options.authorizationCodeTtlSeconds ?? 600,
    rateLimitHeaders:
      options.rateLimitHeaders === false
        ? false
        : options.rateLimitHeaders === true || options.rateLimitHeaders === undefined
          ? 'structured'
          : options.rateLimitHeaders,
    timestamps: options.timestamps ?? 'zoneless',
    scopeSeparator: options.scopeSeparator ?? ' ',
    tokenErrors: options.tokenErrors ?? 'pinterest',
    invalidClientCode: options.invalidClientCode ?? 2,
    imageFetchFailure: options.imageFetchFailure ?? 'could-not-fetch',
    listLagMs: options.listLagMs ?? 2000,
    boardOrder: options.boardOrder ?? 'by-name',
    mediaProcessingMs: options.mediaProcessingMs ?? 1500,
    imageFetchTimeoutMs: options.imageFetchTimeoutMs ?? 10_000,
    imageFetchMaxBytes: options.imageFetchMaxBytes ?? 20 * 1024 * 1024,
    listOrder: options.listOrder === 'oldest_first' ? 'oldest-first' : 'newest-first',
    fetchAllowHosts:
      typeof options.fetchAllowHosts === 'function' ? options.fetchAllowHosts : () => (options.fetchAllowHosts as readonly string[] | undefined) ?? [],
    ...(options.publicBaseUrl !== undefined ? { publicBaseUrl: options.publicBaseUrl.replace(/\/+$/, '') } : {}),
  };
  const state = new SandboxState(options.apps ?? [DEFAULT_APP]);
  let mountedPrefix = '';
  const ctx: SandboxContext = {
    state,
    options: resolved,
    faults: new FaultInjector(options.faults),
    clock: options.clock ?? systemClock,
    limiter: new RateLimiter(options.rateLimits, options.perSecondLimit),
    held: new HeldConnections(),
    baseUrl: (request) => resolved.publicBaseUrl ?? `${request.protocol}://${request.host}${mountedPrefix}`,
    view: (request) => ({ baseUrl: ctx.baseUrl(request), timestamps: resolved.timestamps }),
  };

  const persisted = () =>
    ({
      users: state.users,
      apps: state.apps,
      authorizationCodes: state.authorizationCodes,
      tokens: state.tokens,
      boards: state.boards,
      sections: state.sections,
      pins: state.pins,
      media: state.media,
    }) as unknown as Record<string, Map<unknown, unknown>>;
  const reset = () => {
    state.reset();
    ctx.limiter.reset();
    ctx.faults.set(options.faults ?? {});
  };

  const plugin: FastifyPluginAsync = async (instance) => {
    mountedPrefix = instance.prefix;
    documentRoutes(instance, { platform: 'Pinterest', description: DESCRIPTION, docs: ROUTE_DOCS, baseUrl: ctx.baseUrl });
    await instance.register(formbody);
    instance.setErrorHandler((error: FastifyError, _request, reply) => {
      if (error instanceof PinterestError) return sendError(reply, error);
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      return sendError(reply, new PinterestError(status, status === 500 ? 500 : 1, status === 500 ? 'Internal server error.' : error.message));
    });
    instance.addHook('preClose', async () => {
      ctx.held.releaseAll();
    });

    await instance.register(
      async (v5) => {
        v5.setNotFoundHandler((_request, reply) => sendError(reply, new PinterestError(404, 404, 'Not found.')));
        registerTokenRoutes(v5, ctx);
        registerBoardRoutes(v5, ctx);
        registerPinRoutes(v5, ctx);
        registerMediaRoutes(v5, ctx);
        registerAnalyticsRoutes(v5, ctx);
      },
      { prefix: '/v5' },
    );
    registerAuthorizeRoutes(instance, ctx);
    registerInspectionRoutes(instance, ctx, reset);
    registerSamplePages(instance);
    await registerUploadRoute(instance, ctx);
  };

  return {
    plugin,
    state,
    setFaults: (f) => ctx.faults.set(f),
    createUser: (input = {}) => state.createUser(input),
    issueTokens: (userId, scopes, clientId) => {
      if (!state.users.has(userId)) throw new Error(`unknown sandbox user ${userId}`);
      return issueTokenPair(ctx, userId, scopes, clientId ?? [...state.apps.keys()][0] ?? DEFAULT_APP.clientId, 'authorization_code');
    },
    stats: () => sandboxStats(state),
    reset,
    // Users, tokens and content; not call counters or rate-limit windows, which start afresh like a new day.
    snapshot: (blobs) => snapshotMaps(persisted(), { blobs }),
    restore: (text, blobs) => void restoreMaps(persisted(), text, blobs),
  };
}

/** Standalone server for `pinion sandbox`: the sandbox at the root, so `/v5/...` and `/oauth/`. */
export async function startPinterestSandbox(
  opts: PinterestSandboxOptions & { host?: string; port?: number; logger?: boolean } = {},
): Promise<ServedSandbox<PinterestSandbox>> {
  const { host, port, logger, ...options } = opts;
  // It serves its own sample images: pins may use them (its address is known once listening).
  let self: string[] = [];
  const served = await serveAtRoot(createPinterestSandbox({ fetchAllowHosts: () => self, ...options }), { host, port, logger });
  self = [new URL(served.url).host];
  return served;
}
