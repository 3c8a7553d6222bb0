import type { FastifyInstance } from 'fastify';
import { createAccounts, type Accounts } from '../accounts/index.js';
import { buildServer, type ApiContext } from '../api/index.js';
import { publicUrlOf, type Config } from '../config/index.js';
import { createLogger, createMetrics, stateMetrics, tokenMetrics, type Logger } from '../observability/index.js';
import { queueStats } from '../scheduler/index.js';
import { systemClock, Worker, type Clock } from '../shared/index.js';
import { CONNECTORS, connectorFor, type SandboxInstance } from '../connectors/index.js';
import { platformConfig } from '../config/index.js';
import { migrateToLatest, openStore, type Store } from '../store/index.js';
import { emitEvent, webhookStats } from '../webhooks/index.js';
import { createMediaLibrary } from '../media/index.js';
import { persistSandboxes } from './local-state.js';
import type { FastifyPluginAsync } from 'fastify';
import { LinkChecker } from '../links/index.js';
import { backgroundPasses } from './passes.js';

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

/** Starts the parts of Pinion asked for in this process: API server, worker, or both. */
export async function startPinion(options: StartOptions): Promise<PinionInstance> {
  const config = structuredClone(options.config);
  const log = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const store = openStore(config.databaseUrl, { preparedStatements: config.databasePreparedStatements });
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
