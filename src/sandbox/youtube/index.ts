import formbody from '@fastify/formbody';
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import { documentRoutes, FaultInjector, HeldConnections, type FaultConfig, type SnapshotBlobs, serveAtRoot, type ServedSandbox } from '../common/index.js';
import { DESCRIPTION, ROUTE_DOCS } from './openapi.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { registerApiRoutes } from './api.js';
import { DEFAULT_COSTS, type QuotaOperation, type ResolvedOptions, type YouTubeContext } from './context.js';
import { errors, GoogleError } from './errors.js';
import { registerInspectionRoutes, sandboxStats } from './inspection.js';
import { registerOAuthRoutes } from './oauth.js';
import { sendGoogleError } from './operation.js';
import { YouTubeState, type Channel, type GoogleApp, type ProcessingOutcome } from './state.js';
import { registerUploadRoutes } from './upload.js';

export type { FaultConfig } from '../common/index.js';
export type { Channel, GoogleApp, ProcessingOutcome, Video } from './state.js';
export { YouTubeState } from './state.js';
export { DEFAULT_COSTS, pacificDay } from './context.js';

export interface YouTubeSandboxOptions {
  /** OAuth clients (one per Google project). Default DEFAULT_APPS. */
  apps?: GoogleApp[];
  /** Default 3599 (Google's token answers). */
  accessTokenTtlSeconds?: number;
  /** Google does not publish it; default 600. */
  authorizationCodeTtlSeconds?: number;
  /** Units per project per Pacific day; default 10,000. */
  unitsPerDay?: number;
  /** Units per call over DEFAULT_COSTS (videos.insert 1,600: the stricter documented reading). */
  costs?: Partial<Record<QuotaOperation, number>>;
  /** Time from the last byte to processed/failed/rejected; default 3000 ms of sandbox time. */
  processingMs?: number;
  /** What processing ends in when nothing is queued and the file looks like a video; default processed. */
  processing?: ProcessingOutcome;
  /** A status query of a finished session: the video (200, the guide's reading; default) or 404. */
  finishedSessionAnswers?: 'video' | 'not_found';
  /** Google keeps sessions about a week; default 7 days. */
  sessionTtlSeconds?: number;
  /** Refuse chunks that are not multiples of 256 KiB (but the last); default true. */
  enforceChunkMultiple?: boolean;
  /** Order of playlistItems.list on the uploads playlist; default newest_first. */
  uploadsOrder?: 'newest_first' | 'oldest_first';
  /** How long a finished upload takes to appear in the uploads playlist; default 0. */
  playlistLagMs?: number;
  /** Fail processing (invalidFile) of bytes that are no known video container; default true. */
  checkContainer?: boolean;
  faults?: FaultConfig;
  clock?: Clock;
}

export interface YouTubeSandbox {
  plugin: FastifyPluginAsync;
  state: YouTubeState;
  setFaults(f: FaultConfig): void;
  createChannel(input: { handle: string; title?: string }): Channel;
  /** An access token for a channel without the consent page (tests, scripts); the app is the first one by default. */
  issueToken(channelId: string, scopes: string[], clientId?: string): string;
  /** The next completed uploads end in these outcomes, in order. */
  queueProcessing(...outcomes: ProcessingOutcome[]): void;
  stats(): ReturnType<typeof sandboxStats>;
  reset(): void;
  /** What a restart keeps (see YouTubeState.snapshot); media bytes to `blobs` when given. */
  snapshot(blobs?: SnapshotBlobs): string;
  restore(snapshot: string, blobs?: SnapshotBlobs): void;
}

export const DEFAULT_APPS: GoogleApp[] = [{ clientId: 'pinion-youtube-sandbox.apps.googleusercontent.com', clientSecret: 'pinion-youtube-sandbox-secret' }];

export function createYouTubeSandbox(options: YouTubeSandboxOptions = {}): YouTubeSandbox {
  const clock = options.clock ?? systemClock;
  const resolved: ResolvedOptions = {
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3599,
    authorizationCodeTtlSeconds: options.authorizationCodeTtlSeconds ?? 600,
    unitsPerDay: options.unitsPerDay ?? 10_000,
    costs: { ...DEFAULT_COSTS, ...options.costs },
    processingMs: options.processingMs ?? 3000,
    processing: options.processing ?? { outcome: 'processed' },
    finishedSessionAnswers: options.finishedSessionAnswers ?? 'video',
    sessionTtlSeconds: options.sessionTtlSeconds ?? 7 * 86_400,
    enforceChunkMultiple: options.enforceChunkMultiple ?? true,
    uploadsOrder: options.uploadsOrder ?? 'newest_first',
    playlistLagMs: options.playlistLagMs ?? 0,
    checkContainer: options.checkContainer ?? true,
  };
  const state = new YouTubeState(options.apps ?? DEFAULT_APPS, clock);
  const ctx: YouTubeContext = { state, options: resolved, clock, faults: new FaultInjector(options.faults), held: new HeldConnections() };
  const reset = () => {
    state.reset();
    ctx.faults.set(options.faults ?? {});
  };

  const plugin: FastifyPluginAsync = async (instance) => {
    documentRoutes(instance, { platform: 'YouTube', description: DESCRIPTION, docs: ROUTE_DOCS });
    await instance.register(formbody);
    // Video chunks and thumbnails arrive as raw bytes of any media type.
    instance.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 64 * 1024 * 1024 }, (_request, body, done) => done(null, body));
    instance.setErrorHandler((error: FastifyError, _request, reply) => {
      if (error instanceof GoogleError) return sendGoogleError(reply, error);
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) return sendGoogleError(reply, errors.badBody(error.message));
      return sendGoogleError(reply, errors.injected(500));
    });
    instance.setNotFoundHandler((_request, reply) => sendGoogleError(reply, errors.notFound()));
    instance.addHook('preClose', async () => ctx.held.releaseAll());
    registerOAuthRoutes(instance, ctx);
    registerUploadRoutes(instance, ctx);
    registerApiRoutes(instance, ctx);
    registerInspectionRoutes(instance, ctx, reset);
  };

  return {
    plugin,
    state,
    setFaults: (f) => ctx.faults.set(f),
    createChannel: (input) => state.createChannel(input),
    issueToken: (channelId, scopes, clientId) => {
      const app = clientId ?? [...state.apps.keys()][0]!;
      const token = state.newToken('ya29.');
      state.tokens.set(token, {
        kind: 'access',
        channelId,
        clientId: app,
        scopes,
        expiresAt: clock.now() + resolved.accessTokenTtlSeconds * 1000,
        grant: token,
      });
      return token;
    },
    queueProcessing: (...outcomes) => state.nextOutcomes.push(...outcomes),
    stats: () => sandboxStats(ctx),
    reset,
    snapshot: (blobs) => state.snapshot(blobs),
    restore: (text, blobs) => state.restore(text, blobs),
  };
}

/** Standalone server: the emulator at the root (`/youtube/v3/...`, `/upload/...`, `/o/oauth2/v2/auth`, `/token`, `/_sandbox/...`). */
export async function startYouTubeSandbox(
  opts: YouTubeSandboxOptions & { host?: string; port?: number; logger?: boolean } = {},
): Promise<ServedSandbox<YouTubeSandbox>> {
  const { host, port, logger, ...options } = opts;
  return serveAtRoot(createYouTubeSandbox(options), { host, port, logger });
}
