import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { TokenKeeper } from '../accounts/index.js';
import { ConnectorError, isConnectorError, type Publisher } from '../connectors/index.js';
import type { Logger } from '../observability/index.js';
import { markPostsPublishing, type DeliveryRow } from '../posts/index.js';
import type { Database, Dialect } from '../store/index.js';
import { retryDelayMs, sleep, type BackgroundPass } from '../shared/index.js';
import { claimDeliveries, renewLease } from './claim.js';
import { markFailed, markPublished, requeue } from './outcome.js';
import { budgetCategory, holdUntil, reserveSlot, type Budget } from '../budgets/index.js';

export interface PublishPassOptions {
  db: Kysely<Database>;
  dialect: Dialect;
  log: Logger;
  tokens: TokenKeeper;
  publisherFor(platform: string): Publisher;
  budgetFor(platform: string): Budget;
  /** Bytes of a stored media item of a workspace, for payloads that reference Pinion media. */
  readMedia?(workspaceId: string, mediaId: string): Promise<{ bytes: Buffer; mime: string }>;
  /** Downloads a media URL safely (no private addresses), for platforms that take no media by URL. */
  readUrl?(url: string): Promise<{ bytes: Buffer; mime: string }>;
  concurrency: number;
  leaseMs: number;
  pollIntervalMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long an unknown outcome may stay unresolved because the platform cannot be searched; then the delivery fails. */
  unknownOutcomeGiveUpMs: number;
  /** Told of every publish, with how late it went out and the platform's id for it (metrics, the log). */
  onPublished?(d: DeliveryRow, latenessMs: number, adopted: boolean, externalId: string): void;
}

/** Kinds that prove the platform did not act on the request, so nothing can have been created. */
const DEFINITE = new Set(['rate_limited', 'rejected', 'not_found', 'auth_revoked', 'auth_expired', 'misconfigured']);
const PERMANENT = new Set(['rejected', 'not_found', 'auth_revoked']);

/**
 * Publishes due deliveries. The database holds all the truth: a delivery is claimed with a lease
 * (renewed while it is worked on), the attempt is recorded before the platform is called, and a
 * delivery whose last attempt has no known outcome is first looked for on the platform and
 * adopted if found, so neither a crash nor a lost answer ever publishes twice.
 */
export function publishPass(opts: PublishPassOptions): BackgroundPass & { owner: string } {
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const { db, log } = opts;

  /** `attempts` counts the attempt that just failed, if a publish call was made (`called`). */
  async function retryOrFail(d: DeliveryRow, err: unknown, attempts: number, attemptPending: boolean, category: string, called: boolean): Promise<void> {
    const e = isConnectorError(err) ? err : new ConnectorError('retryable', (err as Error).message ?? String(err));
    const error = { kind: e.kind, message: e.message };
    if (e.kind === 'rate_limited') {
      const retryAt = e.details.retryAt?.getTime() ?? Date.now() + 60_000;
      await holdUntil(db, d.account_id, category, retryAt);
      // A 429 was not the delivery's fault: it does not use up an attempt.
      await requeue(db, d, owner, { runAt: retryAt, attemptPending, attempts: called ? attempts - 1 : attempts, error });
      return;
    }
    if (PERMANENT.has(e.kind)) return markFailed(db, d, error, attempts);
    if (attempts >= opts.maxAttempts && !attemptPending) {
      return markFailed(db, d, { kind: e.kind, message: `Gave up after ${attempts} attempts: ${e.message}` }, attempts);
    }
    // With an unknown outcome pending, one more round is owed even past the limit: to look for the pin.
    await requeue(db, d, owner, { runAt: Date.now() + retryDelayMs(attempts, opts.retryBaseMs, opts.retryMaxMs), attemptPending, attempts, error });
  }

  async function publishOne(d: DeliveryRow): Promise<void> {
    const publisher = opts.publisherFor(d.platform);
    const category = budgetCategory(d.platform, publisher.rateCategory);
    const payload = JSON.parse(d.payload) as unknown;
    const withToken = <T>(call: (token: string) => Promise<T>) => opts.tokens.withAccessToken(d.account_id, call);

    if (d.attempt_pending) {
      const since = d.attempt_started_at ?? d.updated_at;
      const owned = await db
        .selectFrom('deliveries')
        .select('external_id')
        .where('account_id', '=', d.account_id)
        .where('id', '!=', d.id)
        .where('external_id', 'is not', null)
        .where('published_at', '>', since - 86_400_000)
        .execute();
      let found;
      try {
        found = await publisher.findPublished({ payload, since, exclude: new Set(owned.map((o) => o.external_id!)), withToken, progress: d.progress === null ? null : (JSON.parse(d.progress) as unknown) });
      } catch (err) {
        const limited = isConnectorError(err) && err.kind === 'rate_limited';
        if (!limited && Date.now() - since > opts.unknownOutcomeGiveUpMs) {
          // Publishing again could duplicate the pin, and waiting has not helped: a person decides.
          const message = `Could not find out whether ${d.platform} made this post: the attempt of ${new Date(since).toISOString()} got no answer, and looking for its result has failed since (last: ${(err as Error).message}). Pinion will not publish it again; check the board.`;
          log.warn({ deliveryId: d.id, err }, 'gave up on an unknown publish outcome');
          return markFailed(db, d, { kind: 'unknown_outcome', message }, d.attempts);
        }
        return retryOrFail(d, err, d.attempts, true, category, false);
      }
      if (found) {
        log.info({ deliveryId: d.id, externalId: found.externalId }, 'adopted the pin an unconfirmed attempt had created');
        if (await markPublished(db, d, { ...found, adopted: true })) opts.onPublished?.(d, Date.now() - d.scheduled_at, true, found.externalId);
        return;
      }
    }
    if (d.attempts >= opts.maxAttempts) {
      return markFailed(db, d, { kind: d.last_error_kind ?? 'retryable', message: `Gave up after ${d.attempts} attempts: ${d.last_error ?? 'no answer'}` }, d.attempts);
    }

    const slot = await reserveSlot(db, d.account_id, category, opts.budgetFor(d.platform));
    if (!slot.ok) return requeue(db, d, owner, { runAt: slot.retryAt, attemptPending: false });

    const attempts = d.attempts + 1;
    const recorded = await db
      .updateTable('deliveries')
      // The reserved slot's time: never later than the call, so a later search for the pin starts early enough.
      .set({ attempts, attempt_pending: 1, attempt_started_at: slot.at })
      .where('id', '=', d.id)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'publishing')
      .executeTakeFirst();
    if (Number(recorded.numUpdatedRows) !== 1) return; // the lease was lost; its new holder will look first

    try {
      const result = await publisher.publish({
        payload,
        withToken,
        readMedia: (id) => (opts.readMedia ? opts.readMedia(d.workspace_id, id) : Promise.reject(new Error('no media store'))),
        readUrl: (url) => (opts.readUrl ? opts.readUrl(url) : Promise.reject(new Error('no way to download media URLs'))),
        progress: d.progress === null ? null : (JSON.parse(d.progress) as unknown),
        checkpoint: async (progress) => {
          const saved = await db
            .updateTable('deliveries')
            .set({ progress: JSON.stringify(progress) })
            .where('id', '=', d.id)
            .where('lease_owner', '=', owner)
            .where('status', '=', 'publishing')
            .executeTakeFirst();
          // Without the lease another worker may be publishing this delivery: stop before writing more.
          if (Number(saved.numUpdatedRows) !== 1) throw new ConnectorError('unknown_outcome', 'Lost the lease on this delivery while publishing it');
        },
        spend: async () => {
          for (;;) {
            const next = await reserveSlot(db, d.account_id, category, opts.budgetFor(d.platform));
            if (next.ok) return;
            await sleep(Math.max(0, next.retryAt - Date.now()));
          }
        },
      });
      if (await markPublished(db, d, { ...result, adopted: false })) opts.onPublished?.(d, Date.now() - d.scheduled_at, false, result.externalId);
    } catch (err) {
      const definite = isConnectorError(err) && DEFINITE.has(err.kind);
      if (!definite) log.warn({ deliveryId: d.id, err }, 'publish outcome unknown; will look for the pin before trying again');
      await retryOrFail(d, err, attempts, !definite, category, true);
    }
  }

  async function withLease(d: DeliveryRow): Promise<void> {
    const heartbeat = setInterval(() => {
      renewLease(db, d.id, owner, opts.leaseMs).catch((err) => log.warn({ err, deliveryId: d.id }, 'lease renewal failed'));
    }, Math.max(100, opts.leaseMs / 3));
    try {
      await publishOne(d);
    } catch (err) {
      // Anything unexpected (database blip, bug): leave it to the lease to run out and be retried.
      log.error({ err, deliveryId: d.id }, 'delivery processing failed');
    } finally {
      clearInterval(heartbeat);
    }
  }

  return {
    name: 'publish-deliveries',
    owner,
    idleIntervalMs: opts.pollIntervalMs,
    async run() {
      // One transaction, so nobody sees a delivery publishing while its post still says scheduled.
      const claimed = await db.transaction().execute(async (trx) => {
        const rows = await claimDeliveries(trx, opts.dialect, { owner, leaseMs: opts.leaseMs, limit: opts.concurrency });
        await markPostsPublishing(trx, rows.map((d) => d.post_id));
        return rows;
      });
      await Promise.all(claimed.map(withLease));
      return claimed.length === opts.concurrency;
    },
  };
}
