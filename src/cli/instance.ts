import type { FastifyInstance } from 'fastify';
import { createAccounts, type Accounts } from '../accounts/index.js';
import { buildServer, type ApiContext } from '../api/index.js';
import { publicUrlOf, type Config } from '../config/index.js';
import { createLogger, createMetrics, publishMetrics, stateMetrics, tokenMetrics, type Logger } from '../observability/index.js';
import type { Registry } from 'prom-client';
import { MEDIA_PROBLEM, publishPass, queueStats, type DeliveryOutcome, type DeliveryRow } from '../scheduler/index.js';
import { systemClock, Worker, type BackgroundPass, type Clock } from '../shared/index.js';
import { linkPreflightPass, mediaGate, mediaPreflightPass } from '../posts/index.js';
import { CONNECTORS, connectorFor, type SandboxInstance } from '../connectors/index.js';
import { budgetOf, platformConfig } from '../config/index.js';
import { migrateToLatest, openStore, type Store } from '../store/index.js';
import { emitEvent, emitEvents, webhookPasses, webhookStats } from '../webhooks/index.js';
import { createMediaLibrary, probe, safeFetch } from '../media/index.js';
import { persistSandboxes } from './local-state.js';
import type { FastifyPluginAsync } from 'fastify';
import { LinkChecker } from '../links/index.js';
import { analyticsPass } from '../analytics/index.js';

/** Where each platform's emulator is mounted: `/sandbox/<platform>`. */
export const sandboxPrefix = (platform: string) => `/sandbox/${platform}`;

export interface PinionInstance {
  url: string;
  config: Config;
  store: Store;
  app?: FastifyInstance;
  worker?: Worker;
  /** The emulators mounted in this process, by platform id (with the sandbox on). */
  sandboxes: Map<string, SandboxInstance>;
  accounts: Accounts;
  log: Logger;
  close(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  api: boolean;
  worker: boolean;
  /** Apply migrations first (the embedded default does; production runs `pinion migrate`). */
  migrate: boolean;
  logger?: Logger;
  /** On close, requests still open after this long are cut off (default 10 s). */
  shutdownGraceMs?: number;
  /** Options of the embedded emulators, by platform id (tests shorten token lifetimes, inject faults). */
  sandboxOptions?: Record<string, Record<string, unknown>>;
  /** Keep the sandboxes' state in this folder across restarts (the embedded default does, beside its database). */
  sandboxStateDir?: string;
  /** Time for the worker's passes and the token keeper; default the system clock (tests pass a ManualClock). */
  clock?: Clock;
}

/** A delivery set aside before any attempt because its media will not do: the user can still fix it before its time. */
function mediaProblemEvent(d: DeliveryRow, error: { kind: string; message: string }): Parameters<typeof emitEvent>[1] {
  return {
    workspaceId: d.workspace_id,
    type: 'post.needs_attention',
    data: {
      post_id: d.post_id,
      delivery_id: d.id,
      platform: d.platform,
      account_id: d.account_id,
      scheduled_at: new Date(d.scheduled_at).toISOString(),
      error,
    },
  };
}

/**
 * The webhook event telling of a delivery's end state. A delivery that needs attention did not verifiably go out: post.failed;
 * one the publish path set aside for its media before trying it: post.needs_attention.
 */
function outcomeEvent(o: DeliveryOutcome): Parameters<typeof emitEvent>[1] {
  const d = o.delivery;
  if (o.type === 'needs_attention' && o.error.kind === MEDIA_PROBLEM) return mediaProblemEvent(d, o.error);
  const base = { post_id: d.post_id, delivery_id: d.id, platform: d.platform, account_id: d.account_id };
  if (o.type === 'published') {
    return {
      workspaceId: d.workspace_id,
      type: 'post.published',
      data: {
        ...base,
        external_id: o.externalId,
        url: o.url,
        published_at: new Date(o.publishedAt).toISOString(),
        scheduled_at: new Date(d.scheduled_at).toISOString(),
        adopted: o.adopted,
        ...(o.duplicates.length && {
          duplicates: o.duplicates.map((x) => ({ external_id: x.externalId, url: x.url, removed: x.removed })),
          warning: o.warning,
        }),
      },
    };
  }
  return {
    workspaceId: d.workspace_id,
    type: 'post.failed',
    data: { ...base, error: o.error, attempts: o.attempts, ...(o.type === 'needs_attention' && { needs_attention: true }) },
  };
}

/** The background passes every worker runs; capabilities add theirs here. */
function backgroundPasses(ctx: ApiContext, log: Logger, metrics: Registry, clock: Clock): BackgroundPass[] {
  const s = ctx.config.scheduler;
  const reported = publishMetrics(metrics);
  // With media.checkPostUrls, posts are accepted after the cheap checks and their media URLs fetched and decoded here.
  const checkMedia = ctx.config.media.checkPostUrls ? (url: string) => ctx.media.urlProbes.full(url) : undefined;
  const media = checkMedia
    ? [
        mediaPreflightPass({
          db: ctx.store.db,
          clock,
          check: checkMedia,
          onSetAside: async (trx, post, deliveries) => {
            log.warn(
              { postId: post.id, deliveries: deliveries.map((d) => d.id), reason: deliveries[0]!.last_error },
              'a post’s media will not do; its deliveries need attention',
            );
            for (const d of deliveries) await emitEvent(trx, mediaProblemEvent(d, { kind: MEDIA_PROBLEM, message: d.last_error ?? '' }));
          },
        }),
      ]
    : [];
  const publishing = publishPass({
    ...(checkMedia && { mediaGate: mediaGate({ db: ctx.store.db, check: checkMedia }) }),
    db: ctx.store.db,
    dialect: ctx.store.dialect,
    log,
    tokens: ctx.accounts.tokens,
    clock,
    publisherFor: (platform) => connectorFor(platform).publisher(platformConfig(ctx.config, platform)),
    budgetFor: (platform) => budgetOf(ctx.config, platform),
    outcomeWindowFor: (platform) => platformConfig(ctx.config, platform).outcomeWindowSeconds * 1000,
    concurrency: s.concurrency,
    leaseMs: s.leaseSeconds * 1000,
    pollIntervalMs: s.pollIntervalMs,
    maxAttempts: s.maxAttempts,
    retryBaseMs: s.retryBaseSeconds * 1000,
    retryMaxMs: s.retryMaxSeconds * 1000,
    unknownOutcomeGiveUpMs: s.unknownOutcomeGiveUpSeconds * 1000,
    onPublished: (d, latenessMs, adopted, externalId) => {
      reported.published(d.platform, latenessMs, adopted);
      log.info({ postId: d.post_id, deliveryId: d.id, platform: d.platform, externalId, adopted, latenessMs: Math.round(latenessMs) }, 'published');
    },
    readUrl: async (url) => {
      const m = ctx.config.media;
      const { bytes } = await safeFetch(url, { allowHosts: m.fetchAllowHosts, maxBytes: m.fetchMaxBytes, timeoutMs: m.fetchTimeoutMs });
      return { bytes, mime: (await probe(bytes, { maxInputPixels: m.maxInputPixels })).mime };
    },
    // Webhooks hear of every end state in the transaction that records it (those recorded together, in one insert).
    onOutcomes: async (trx, outcomes) => {
      // Publishes are logged by onPublished above; the other end states here, one info line each.
      for (const outcome of outcomes) {
        if (outcome.type === 'published') continue;
        const d = outcome.delivery;
        log.info(
          { postId: d.post_id, deliveryId: d.id, platform: d.platform, error: outcome.error, attempts: outcome.attempts },
          outcome.type === 'needs_attention' ? 'publish needs attention' : 'publish failed',
        );
      }
      await emitEvents(trx, outcomes.map(outcomeEvent));
    },
    // Long enough for a platform to fetch it while processing a container, short enough not to stay a standing link.
    publicMediaUrl: async (workspaceId, mediaId) => ctx.media.publicLink(workspaceId, mediaId, 3600_000),
    // Stored like a conversion (the same bytes again are the same media), so a retry makes no second copy.
    publicUrlOfBytes: async (workspaceId, bytes) =>
      ctx.media.publicLink(workspaceId, (await ctx.media.ingest(workspaceId, bytes, { source: 'converted' })).id, 3600_000),
    readMedia: async (workspaceId, mediaId) => {
      const media = await ctx.media.get(workspaceId, mediaId);
      if (!media) throw new Error(`media ${mediaId} was deleted`);
      return { bytes: await ctx.media.read(media), mime: media.mime };
    },
  });
  const analytics = analyticsPass({
    db: ctx.store.db,
    accounts: ctx.accounts,
    clock,
    log,
    readsPerPass: ctx.config.analytics.readsPerPass,
    idleIntervalMs: ctx.config.analytics.idleIntervalSeconds * 1000,
  });
  const links = linkPreflightPass({
    db: ctx.store.db,
    check: (url) => ctx.links.check(url),
    clock,
    onBroken: async (post, verdicts) => {
      const links = verdicts.filter((v) => !v.ok || v.redirects);
      log.warn({ postId: post.id, links }, 'a post due soon links to a page that is broken or redirects');
      await emitEvent(ctx.store.db, { workspaceId: post.workspaceId, type: 'post.link_broken', data: { post_id: post.id, links } });
    },
  });
  return [
    publishing,
    ...media,
    analytics,
    links,
    ...ctx.accounts.passes,
    ...webhookPasses({
      db: ctx.store.db,
      vault: ctx.accounts.vault,
      log,
      config: { allowHosts: ctx.config.webhooks.allowHosts },
      retentionDays: ctx.config.webhooks.retentionDays,
      clock,
    }),
  ];
}

/** Starts the parts of Pinion asked for in this process: API server, worker, or both. */
export async function startPinion(options: StartOptions): Promise<PinionInstance> {
  const config = structuredClone(options.config);
  const log = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const store = openStore(config.databaseUrl);
  try {
    if (options.migrate) await migrateToLatest(store);
  } catch (err) {
    await store.close();
    throw err;
  }

  // Loaded only when enabled: a production server carries no emulator code.
  const sandboxes = new Map<string, SandboxInstance>();
  if (config.sandbox) {
    for (const c of CONNECTORS) {
      if (!c.sandbox) continue;
      const emulator = await c.sandbox.load();
      // Emulators fetch media as the platform would, from public addresses only, plus media.fetchAllowHosts
      // (which gains this instance's own host once listening, so they may fetch what they serve themselves).
      sandboxes.set(c.facts.id, emulator.create({ fetchAllowHosts: () => config.media.fetchAllowHosts, ...options.sandboxOptions?.[c.facts.id] }));
    }
  }
  const saved = options.sandboxStateDir && sandboxes.size ? persistSandboxes(sandboxes, options.sandboxStateDir, log) : undefined;
  // Any call that is not a read may change an emulator's state: save it soon after.
  const mountOf = (platform: string, plugin: FastifyPluginAsync): FastifyPluginAsync =>
    saved
      ? async (scope, opts) => {
          scope.addHook('onResponse', async (request) => {
            if (request.method !== 'GET' && request.method !== 'HEAD') saved.changed(platform);
          });
          await plugin(scope, opts);
        }
      : plugin;
  // The public URL is known only after listening when port 0 asks for any free port.
  let accounts: Accounts;
  try {
    accounts = createAccounts({ db: store.db, config, log, clock });
  } catch (err) {
    await store.close();
    throw err;
  }
  accounts.listeners.needsReauth.push(async (account) => {
    try {
      await emitEvent(store.db, {
        workspaceId: account.workspaceId,
        type: 'account.needs_reauth',
        data: { account_id: account.id, platform: account.platform, username: account.username, reason: account.lastError },
      });
    } catch (err) {
      // The account is already marked; a lost event must not turn into a failed refresh call.
      log.error({ err, accountId: account.id }, 'could not record the account.needs_reauth webhook event');
    }
  });
  accounts.listeners.expiring.push(async (account, end) => {
    try {
      await emitEvent(store.db, {
        workspaceId: account.workspaceId,
        type: 'account.expiring',
        data: { account_id: account.id, platform: account.platform, username: account.username, expires_at: end.at.toISOString(), reason: end.reason },
      });
    } catch (err) {
      log.error({ err, accountId: account.id }, 'could not record the account.expiring webhook event');
    }
  });
  const metrics = createMetrics();
  const tokenCounts = tokenMetrics(metrics);
  accounts.tokens.refreshFailed.push(tokenCounts.refreshFailed);
  accounts.tokens.refreshed.push(tokenCounts.refreshed);
  stateMetrics(metrics, async () => {
    const queue = await queueStats(store.db, Date.now());
    return { deliveries: queue.byStatus, due: queue.due, errors: queue.errors, webhooks: await webhookStats(store.db) };
  });
  let publicUrl = publicUrlOf(config);
  let media;
  try {
    // publicUrl is read per call: with port 0 it is known only after listening.
    media = await createMediaLibrary(config, { db: store.db, vault: accounts.vault, publicUrl: () => publicUrl, clock });
  } catch (err) {
    await store.close();
    throw err;
  }
  // A post is accepted after the checks that need no request (a recent probe of the same URL included);
  // the fetch and decode run in the background media preflight, and at once for a dry run (validate).
  const checkUrl = config.media.checkPostUrls ? async (url: string) => media.urlProbes.quick(url) : undefined;
  const fullCheckUrl = config.media.checkPostUrls ? (url: string) => media.urlProbes.full(url) : undefined;
  // Destinations are fetched by the media fetch's rules (the same private-address refusal and allowlist).
  const links = new LinkChecker({
    allowHosts: config.media.fetchAllowHosts,
    timeoutMs: config.links.timeoutMs,
    maxBytes: config.links.maxBytes,
    cacheSeconds: config.links.cacheSeconds,
  });
  const checkLink = config.links.checkPostLinks ? (url: string) => links.check(url) : undefined;
  const knownLink = config.links.checkPostLinks ? (url: string) => links.known(url) : undefined;
  const llm = { ...config.llm, apiKey: process.env.PINION_LLM_API_KEY };
  // Deleting a published post from its platform (DELETE /posts/:id?unpublish=true) takes the publisher the worker uses.
  const publisherFor = (platform: string) => connectorFor(platform).publisher(platformConfig(config, platform));
  const posts = { db: store.db, accounts, media, checkUrl, fullCheckUrl, checkLink, knownLink, publicUrl: () => publicUrl, publisherFor };
  const ctx: ApiContext = { config, store, publicUrl, accounts, media, links, llm, posts };
  let app: FastifyInstance | undefined;
  let url = ctx.publicUrl;

  if (options.api) {
    app = await buildServer(ctx, {
      logger: log,
      metrics,
      clock,
      // The emulators' own requests are noise beside Pinion's: logged only when debugging.
      mounts: [...sandboxes].map(([platform, sandbox]) => ({
        prefix: sandboxPrefix(platform),
        plugin: mountOf(platform, sandbox.plugin),
        logLevel: config.logLevel === 'debug' || config.logLevel === 'trace' ? config.logLevel : ('warn' as const),
      })),
    });
    const address = await app.listen({ host: config.host, port: config.port });
    const port = Number(new URL(address).port);
    ctx.publicUrl = publicUrlOf(config, port);
    publicUrl = ctx.publicUrl;
    url = ctx.publicUrl;
  }
  if (sandboxes.size) {
    // Point each connector at its embedded emulator instead of the platform's production API.
    for (const platform of sandboxes.keys()) {
      const entry = connectorFor(platform).sandbox!;
      const settings = platformConfig(config, platform);
      Object.assign(settings, entry.configFor(`${url}${sandboxPrefix(platform)}`));
      settings.clientId ??= entry.app.clientId;
      settings.clientSecret ??= entry.app.clientSecret;
    }
    // The sandboxes serve their own media (on this, usually loopback, address): media_url may point at them.
    config.media.fetchAllowHosts.push(new URL(url).host);
  }

  const worker = options.worker ? new Worker(backgroundPasses(ctx, log, metrics, clock), log, clock) : undefined;
  worker?.start();
  if (worker) {
    ctx.onDeliveriesChanged = () => {
      worker.wake('publish-deliveries');
      worker.wake('preflight-media');
    };
  }

  let closed = false;
  return {
    url,
    config,
    store,
    app,
    worker,
    sandboxes,
    accounts,
    log,
    async close() {
      if (closed) return;
      closed = true;
      await worker?.stop();
      if (app) {
        // Let requests in flight finish, but not forever: a client holding a connection open must not block shutdown.
        const cutOff = setTimeout(() => app.server.closeAllConnections(), options.shutdownGraceMs ?? 10_000);
        await app.close();
        clearTimeout(cutOff);
      }
      saved?.saveAll();
      await store.close();
    },
  };
}
