import type { Registry } from 'prom-client';
import type { ApiContext } from '../api/index.js';
import { analyticsPass } from '../analytics/index.js';
import { budgetOf, platformConfig } from '../config/index.js';
import { connectorFor } from '../connectors/index.js';
import { probe, safeFetch } from '../media/index.js';
import { publishMetrics, type Logger } from '../observability/index.js';
import { linkPreflightPass, mediaGate, mediaPreflightPass } from '../posts/index.js';
import { MEDIA_PROBLEM, publishPass, type DeliveryOutcome, type DeliveryRow } from '../scheduler/index.js';
import type { BackgroundPass, Clock } from '../shared/index.js';
import { emitEvent, emitEvents, webhookPasses } from '../webhooks/index.js';

/* The background passes a worker runs, and the webhook events their outcomes become. */

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
export function backgroundPasses(ctx: ApiContext, log: Logger, metrics: Registry, clock: Clock): BackgroundPass[] {
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
