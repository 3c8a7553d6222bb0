import formbody from '@fastify/formbody';
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import { documentRoutes, HeldConnections, type SnapshotBlobs, serveAtRoot, type ServedSandbox } from '../common/index.js';
import { DESCRIPTION, ROUTE_DOCS } from './openapi.js';
import type { ResolvedOptions, SandboxContext } from './context.js';
import { LinkedInError } from './errors.js';
import { FaultInjector, type FaultConfig } from './faults.js';
import { registerInspectionRoutes, sandboxStats } from './inspection.js';
import { registerMediaRoutes } from './media.js';
import { issueTokens, registerOAuthRoutes } from './oauth.js';
import { sendError } from './operation.js';
import { registerOrganizationRoutes } from './organizations.js';
import { registerPostRoutes } from './posts.js';
import { SandboxState, type Member, type OrgRole, type Organization, type SandboxApp } from './state.js';

export type { FaultConfig } from './faults.js';
export type { Member, Organization, SandboxApp, SandboxPost, SandboxVideo, SandboxImage } from './state.js';
export { SandboxState } from './state.js';
export { renderLittleText } from './little-text.js';

export interface LinkedInSandboxOptions {
  /** Registered apps. Default: one app `pinion-sandbox` / `pinion-sandbox-secret`, approved for refresh tokens, any redirect_uri. */
  apps?: SandboxApp[];
  /** Give the apps refresh tokens (LinkedIn's programmatic refresh, approved partners only); default true. */
  refreshTokens?: boolean;
  /** Default 60 days (5,184,000 s). */
  accessTokenTtlSeconds?: number;
  /** Default 365 days, counted from the first grant. */
  refreshTokenTtlSeconds?: number;
  /** Default 1800 (30 minutes). */
  authorizationCodeTtlSeconds?: number;
  /** Versions served (YYYYMM); default: the last `versionLifetimeMonths` months up to the current one. */
  activeVersions?: string[];
  /** Default 12. */
  versionLifetimeMonths?: number;
  /** Refuse /rest calls without `X-Restli-Protocol-Version: 2.0.0`; default true. */
  requireRestliHeader?: boolean;
  /** POST /rest/posts per member per UTC day; default 150. */
  memberDailyLimit?: number;
  /** POST /rest/posts per app per UTC day; default 100,000. */
  appDailyLimit?: number;
  /** Longest commentary; default 3000. */
  commentaryMax?: number;
  /** Cut the shown text at an unescaped reserved character; default true. */
  truncateUnescaped?: boolean;
  /** Default 200. */
  imageProcessingMs?: number;
  /** Default 1500. */
  videoProcessingMs?: number;
  /** Bytes per video part in uploadInstructions; default 4 MiB (4,194,304) as LinkedIn. */
  videoPartBytes?: number;
  /** A new post shows in the author's list this long after it is made; default 0. */
  listLagMs?: number;
  faults?: FaultConfig;
  /** Base URL clients reach the sandbox at; default: the request's host and the mount prefix. */
  publicBaseUrl?: string;
}

export interface LinkedInSandbox {
  plugin: FastifyPluginAsync;
  state: SandboxState;
  setFaults(f: FaultConfig): void;
  createMember(input?: { name?: string; email?: string }): Member;
  createOrganization(input: { name: string; vanityName?: string; admins?: Array<{ memberId: string; role?: OrgRole }> }): Organization;
  /** The next finalized video fails processing with this reason. */
  failNextVideo(reason: string): void;
  /** Tokens for a member without the OAuth dance. */
  issueTokens(memberId: string, scopes: string[], clientId?: string): Record<string, unknown>;
  stats(): ReturnType<typeof sandboxStats>;
  /** Clears all state and restores the faults given at creation. */
  reset(): void;
  /** What a restart keeps (see SandboxState.snapshot); media bytes to `blobs` when given. */
  snapshot(blobs?: SnapshotBlobs): string;
  restore(snapshot: string, blobs?: SnapshotBlobs): void;
}

export const DEFAULT_APP: SandboxApp = { clientId: 'pinion-sandbox', clientSecret: 'pinion-sandbox-secret' };

export function createLinkedInSandbox(options: LinkedInSandboxOptions = {}): LinkedInSandbox {
  const resolved: ResolvedOptions = {
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 60 * 86_400,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 365 * 86_400,
    authorizationCodeTtlSeconds: options.authorizationCodeTtlSeconds ?? 1800,
    ...(options.activeVersions && { activeVersions: options.activeVersions }),
    versionLifetimeMonths: options.versionLifetimeMonths ?? 12,
    requireRestliHeader: options.requireRestliHeader ?? true,
    memberDailyLimit: options.memberDailyLimit ?? 150,
    appDailyLimit: options.appDailyLimit ?? 100_000,
    commentaryMax: options.commentaryMax ?? 3000,
    truncateUnescaped: options.truncateUnescaped ?? true,
    imageProcessingMs: options.imageProcessingMs ?? 200,
    videoProcessingMs: options.videoProcessingMs ?? 1500,
    videoPartBytes: options.videoPartBytes ?? 4 * 1024 * 1024,
    listLagMs: options.listLagMs ?? 0,
    ...(options.publicBaseUrl !== undefined && { publicBaseUrl: options.publicBaseUrl.replace(/\/+$/, '') }),
  };
  const refresh = options.refreshTokens ?? true;
  const state = new SandboxState((options.apps ?? [DEFAULT_APP]).map((a) => ({ ...a, refreshTokens: a.refreshTokens ?? refresh })));
  let mountedPrefix = '';
  const ctx: SandboxContext = {
    state,
    options: resolved,
    faults: new FaultInjector(options.faults),
    held: new HeldConnections(),
    baseUrl: (request) => resolved.publicBaseUrl ?? `${request.protocol}://${request.host}${mountedPrefix}`,
  };
  const reset = () => {
    state.reset();
    ctx.faults.set(options.faults ?? {});
  };

  const plugin: FastifyPluginAsync = async (instance) => {
    mountedPrefix = instance.prefix;
    documentRoutes(instance, { platform: 'LinkedIn', description: DESCRIPTION, docs: ROUTE_DOCS, baseUrl: ctx.baseUrl });
    await instance.register(formbody);
    // Uploads are raw bytes, up to LinkedIn's 500 MB video (one part is 4 MiB; an image PUT is whole).
    instance.addContentTypeParser(
      /^(application\/octet-stream|image\/.+|video\/.+)$/,
      { parseAs: 'buffer', bodyLimit: 600 * 1024 * 1024 },
      (_req, body, done) => done(null, body),
    );
    instance.setErrorHandler((error: FastifyError, _request, reply) => {
      if (error instanceof LinkedInError) return sendError(reply, error);
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      return sendError(
        reply,
        new LinkedInError(status, {
          status,
          code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'ILLEGAL_ARGUMENT',
          message: status === 500 ? 'Internal Server Error' : error.message,
        }),
      );
    });
    instance.setNotFoundHandler((_request, reply) => sendError(reply, new LinkedInError(404, { status: 404, code: 'NOT_FOUND', message: 'No such resource' })));
    instance.addHook('preClose', async () => ctx.held.releaseAll());
    registerOAuthRoutes(instance, ctx);
    registerOrganizationRoutes(instance, ctx);
    registerPostRoutes(instance, ctx);
    registerMediaRoutes(instance, ctx);
    registerInspectionRoutes(instance, ctx, reset);
  };

  return {
    plugin,
    state,
    setFaults: (f) => ctx.faults.set(f),
    createMember: (input) => state.createMember(input),
    createOrganization: (input) => state.createOrganization(input),
    failNextVideo: (reason) => void state.videoFailures.push(reason),
    issueTokens: (memberId, scopes, clientId) => {
      if (!state.members.has(memberId)) throw new Error(`unknown sandbox member ${memberId}`);
      return issueTokens(ctx, memberId, scopes, clientId ?? [...state.apps.keys()][0] ?? DEFAULT_APP.clientId);
    },
    stats: () => sandboxStats(state),
    reset,
    snapshot: (blobs) => state.snapshot(blobs),
    restore: (text, blobs) => state.restore(text, blobs),
  };
}

/** Standalone server: the sandbox at the root (`/rest/...`, `/oauth/v2/...`). */
export async function startLinkedInSandbox(
  opts: LinkedInSandboxOptions & { host?: string; port?: number; logger?: boolean } = {},
): Promise<ServedSandbox<LinkedInSandbox>> {
  const { host, port, logger, ...options } = opts;
  return serveAtRoot(createLinkedInSandbox(options), { host, port, logger });
}
