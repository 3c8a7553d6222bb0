import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { TokenKeeper } from '../accounts/index.js';
import { ConnectorError, isConnectorError, type Publisher } from '../connectors/index.js';
import type { Logger } from '../observability/index.js';
import type { Database, Dialect } from '../store/index.js';
import { retryDelayMs, systemClock, type BackgroundPass, type Clock } from '../shared/index.js';
import type { DeliveryRow } from './delivery-state.js';
import { claimDeliveries, renewLease, saveProgress, startAttempts, type AttemptStart } from './delivery-claims.js';
import { lookForLateDuplicate, takeFollowUps } from './follow-ups.js';
import { markFailed, markPublishedMany, requeue, type OutcomeListener, type OutcomesListener, type PublishResult } from './outcome.js';
import { Batcher } from './batcher.js';
import { lookForAttempt } from './look.js';
import { budgetCategory, holdUntil, quotaUnits, reserveSlot, type Budget } from '../budgets/index.js';

export interface PublishPassOptions {
  db: Kysely<Database>;
  dialect: Dialect;
  log: Logger;
  tokens: TokenKeeper;
  publisherFor(platform: string): Publisher;
  budgetFor(platform: string): Budget;
  /**
   * How long after an attempt was given up (no answer) a platform may still make the post (its
   * slowest commit): the attempt's result is looked for over this window, and the delivery is
   * published again only when a look made after it has passed found nothing.
   */
  outcomeWindowFor(platform: string): number;
  /** Bytes of a stored media item of a workspace, for payloads that reference Pinion media. */
  readMedia?(workspaceId: string, mediaId: string): Promise<{ bytes: Buffer; mime: string }>;
  /** Downloads a media URL safely (no private addresses), for platforms that take no media by URL. */
  readUrl?(url: string): Promise<{ bytes: Buffer; mime: string }>;
  /** A signed, expiring public URL of a stored media, for platforms that download media from a URL. */
  publicMediaUrl?(workspaceId: string, mediaId: string): Promise<string>;
  /** Stores derived bytes as a media of the workspace and returns its signed public URL. */
  publicUrlOfBytes?(workspaceId: string, bytes: Buffer, mime: string): Promise<string>;
  concurrency: number;
  leaseMs: number;
  pollIntervalMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long an unknown outcome may stay unresolved because the platform cannot be searched; then the delivery needs attention. */
  unknownOutcomeGiveUpMs: number;
  /** Time for claims, leases, backoff and give-up times; tests pass a ManualClock. */
  clock?: Clock;
  /** Told of every end state, inside the transaction that records it (webhooks subscribe here). */
  onOutcome?: OutcomeListener;
  /**
   * Before a delivery's first attempt: a problem with its media that stops it (then it needs attention,
   * with that error, and is not published), or undefined. The media preflight's last stand when it
   * could not finish before the post was due.
   */
  mediaGate?(d: DeliveryRow): Promise<{ kind: string; message: string } | undefined>;
  /** The same, told at once of the end states one transaction records together; used instead of onOutcome when given. */
  onOutcomes?: OutcomesListener;
  /** Told of every publish, with how late it went out and the platform's id for it (metrics, the log). */
  onPublished?(d: DeliveryRow, latenessMs: number, adopted: boolean, externalId: string): void;
}

/** Kinds that prove the platform did not act on the request, so nothing can have been created. */
const DEFINITE = new Set(['rate_limited', 'rejected', 'not_found', 'auth_revoked', 'auth_expired', 'misconfigured']);
const PERMANENT = new Set(['rejected', 'not_found', 'auth_revoked']);
/** Batches one run of the pass claims at most before it looks for late duplicates and returns. */
const BATCHES_PER_RUN = 16;

/**
 * Publishes due deliveries. The database holds all the truth: a delivery is claimed with a lease
 * (renewed while it is worked on), the attempt is recorded before the platform is called, and a
 * delivery whose last attempt got no answer waits in `awaiting_check` while the platform is searched
 * for its result over the platform's outcome window; it is adopted if found and published again
 * only when a look after the window found nothing, so neither a crash nor a lost or late answer
 * ever publishes twice.
 */
export function publishPass(opts: PublishPassOptions): BackgroundPass & { owner: string } {
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const { db, log } = opts;
  const clock = opts.clock ?? systemClock;
  const now = () => clock.now();
  /** Deliveries whose publish call is out, with their platform's outcome window. */
  const calling = new Map<string, number>();
  const backoff = (attempts: number) => retryDelayMs(attempts, opts.retryBaseMs, opts.retryMaxMs);
  const onOutcomes: OutcomesListener | undefined =
    opts.onOutcomes ??
    (opts.onOutcome &&
      (async (trx, outcomes) => {
        for (const o of outcomes) await opts.onOutcome!(trx, o);
      }));
  const onOutcome: OutcomeListener | undefined = onOutcomes && ((trx, outcome) => onOutcomes(trx, [outcome]));
  const fail = (d: DeliveryRow, error: { kind: string; message: string }, attempts: number, to: 'failed' | 'needs_attention' = 'failed') =>
    markFailed(db, d, error, attempts, now(), onOutcome, to);
  const units = quotaUnits(db);
  // The writes every publish makes, each made for all the deliveries asking at about the same time (see Batcher).
  const starts = new Batcher((items: AttemptStart[]) => startAttempts(db, opts.dialect, owner, items, now()));
  /** The claim in flight, if any (settled otherwise). */
  let claiming: Promise<unknown> = Promise.resolve();
  // A batch's publishes are recorded once the next batch's claim is back: the claim, which the next publishes wait
  // for, then has the database to itself instead of sharing it with a write nobody waits for (the lease is held meanwhile).
  const publishes = new Batcher(async (items: Array<{ d: DeliveryRow; result: PublishResult; now: number }>) => {
    await claiming;
    return markPublishedMany(db, items, now(), onOutcomes);
  });
  /** Per delivery being worked on: tells the run its platform calls are over (only its outcome is left to write). */
  const callsOver = new Map<string, () => void>();
  const markPublished = (d: DeliveryRow, result: PublishResult) => {
    callsOver.get(d.id)?.();
    return publishes.add({ d, result, now: now() });
  };

  /** After a publish call that failed; `attempts` counts it. `checkUntil` ends the window its result is looked for in. */
  async function afterFailedAttempt(d: DeliveryRow, err: unknown, attempts: number, checkUntil: number, category: string): Promise<void> {
    const e = isConnectorError(err) ? err : new ConnectorError('unknown_outcome', (err as Error).message ?? String(err));
    const error = { kind: e.kind, message: e.message };
    if (e.kind === 'rate_limited') {
      const retryAt = e.details.retryAt?.getTime() ?? now() + 60_000;
      await holdUntil(db, d.account_id, category, retryAt);
      // A 429 was not the delivery's fault: it does not use up an attempt.
      return requeue(db, d, owner, { to: 'scheduled', runAt: retryAt, attempts: attempts - 1, error, now: now() });
    }
    if (PERMANENT.has(e.kind)) return fail(d, error, attempts);
    if (DEFINITE.has(e.kind)) {
      if (attempts >= opts.maxAttempts) return fail(d, { kind: e.kind, message: `Gave up after ${attempts} attempts: ${e.message}` }, attempts);
      return requeue(db, d, owner, { to: 'scheduled', runAt: now() + backoff(attempts), attempts, error, now: now() });
    }
    if (e.kind === 'retryable') {
      // An answer came (a server error): nothing should exist, but one look comes first, even past the limit.
      return requeue(db, d, owner, { to: 'scheduled', lookFirst: true, runAt: now() + backoff(attempts), attempts, error, now: now() });
    }
    // No answer: the platform may have made the post, now or later. Look for it until the window has passed.
    log.warn({ deliveryId: d.id, err }, 'publish outcome unknown; will look for the post before trying again');
    await requeue(db, d, owner, { to: 'awaiting_check', runAt: Math.min(checkUntil, now() + backoff(attempts)), checkUntil, attempts, error, now: now() });
  }

  async function publishOne(d: DeliveryRow): Promise<void> {
    const publisher = opts.publisherFor(d.platform);
    const category = budgetCategory(d.platform, publisher.rateCategory);
    const payload = JSON.parse(d.payload) as unknown;
    const withToken = <T>(call: (token: string) => Promise<T>) => opts.tokens.withAccessToken(d.account_id, call);

    let afterUnanswered = false;
    if (d.attempt_pending) {
      const look = await lookForAttempt({ db, log, publisher, d, payload, withToken, units });
      if (look.kind === 'found') {
        const { found, duplicates, warning } = look;
        log.info({ deliveryId: d.id, externalId: found.externalId, duplicates: duplicates.length }, 'adopted the post an unconfirmed attempt had made');
        // Adopting a later attempt's post: an earlier unanswered one may still land, so one more look a window later.
        const followUpAt = d.attempts > 1 ? now() + opts.outcomeWindowFor(d.platform) : null;
        if (await markPublished(d, { ...found, adopted: true, duplicates, warning, followUpAt }))
          opts.onPublished?.(d, now() - d.scheduled_at, true, found.externalId);
        return;
      }
      if (look.kind === 'error') {
        const { err } = look;
        const since = d.attempt_started_at ?? d.updated_at;
        const limited = isConnectorError(err) && err.kind === 'rate_limited';
        if (!limited && now() - since > opts.unknownOutcomeGiveUpMs) {
          // Publishing again could duplicate the post, and waiting has not helped: a person decides.
          const message = `Could not find out whether ${d.platform} made this post: the attempt of ${new Date(since).toISOString()} got no answer, and looking for its result has failed since (last: ${(err as Error).message}). Pinion will not publish it again; check the board.`;
          log.warn({ deliveryId: d.id, err }, 'gave up on an unknown publish outcome');
          return fail(d, { kind: 'unknown_outcome', message }, d.attempts, 'needs_attention');
        }
        log.warn({ deliveryId: d.id, err }, 'could not look for the result of an unconfirmed attempt; will look again');
        let runAt = now() + backoff(d.attempts);
        if (limited) {
          runAt = err.details.retryAt?.getTime() ?? now() + 60_000;
          await holdUntil(db, d.account_id, category, runAt);
        }
        const to = d.check_until === null ? 'scheduled' : 'awaiting_check';
        return requeue(db, d, owner, { to, lookFirst: true, runAt, checkUntil: d.check_until, now: now() });
      }
      if (d.check_until !== null && now() < d.check_until) {
        // Nothing yet, but the platform may still make it. Look again; the last look comes after the window.
        const every = Math.min(opts.retryMaxMs, Math.max(opts.retryBaseMs, opts.outcomeWindowFor(d.platform) / 5));
        return requeue(db, d, owner, { to: 'awaiting_check', runAt: Math.min(d.check_until, now() + every), checkUntil: d.check_until, now: now() });
      }
      // A look after the window found nothing: the attempt made nothing, so publishing again is safe.
      afterUnanswered = d.check_until !== null;
    }
    if (d.attempts >= opts.maxAttempts) {
      return fail(d, { kind: d.last_error_kind ?? 'retryable', message: `Gave up after ${d.attempts} attempts: ${d.last_error ?? 'no answer'}` }, d.attempts);
    }

    if (d.attempts === 0 && opts.mediaGate) {
      const problem = await opts.mediaGate(d);
      if (problem) return fail(d, problem, 0, 'needs_attention');
    }

    const attempts = d.attempts + 1;
    const window = opts.outcomeWindowFor(d.platform);
    // The slot's time is never later than the call, so a later search for the post starts early enough; should this
    // worker die, the call ends before its lease does and the window runs from there (the heartbeat moves it on).
    const slot = { accountId: d.account_id, category, budget: opts.budgetFor(d.platform) };
    const started = await starts.add({ d, slot, attempts, checkFor: opts.leaseMs + window });
    if (!started.ok) return requeue(db, d, owner, { to: 'scheduled', runAt: started.retryAt, now: now() });
    if (!started.recorded) return; // the lease was lost; its new holder will look first

    calling.set(d.id, window);
    try {
      const result = await publisher.publish({
        payload,
        withToken,
        readMedia: (id) => (opts.readMedia ? opts.readMedia(d.workspace_id, id) : Promise.reject(new Error('no media store'))),
        readUrl: (url) => (opts.readUrl ? opts.readUrl(url) : Promise.reject(new Error('no way to download media URLs'))),
        ...(opts.publicMediaUrl && { publicMediaUrl: (id: string) => opts.publicMediaUrl!(d.workspace_id, id) }),
        ...(opts.publicUrlOfBytes && { publicUrlOfBytes: (bytes: Buffer, mime: string) => opts.publicUrlOfBytes!(d.workspace_id, bytes, mime) }),
        progress: d.progress === null ? null : (JSON.parse(d.progress) as unknown),
        units,
        checkpoint: async (progress) => {
          // Without the lease another worker may be publishing this delivery: stop before writing more.
          if (!(await saveProgress(db, d, owner, progress))) throw new ConnectorError('unknown_outcome', 'Lost the lease on this delivery while publishing it');
        },
        spend: async () => {
          for (;;) {
            const next = await reserveSlot(db, d.account_id, category, opts.budgetFor(d.platform), now());
            if (next.ok) return;
            await clock.sleep(Math.max(0, next.retryAt - now()));
          }
        },
      });
      // Should the unanswered attempt still land after all, one more look a window later finds it and deletes it.
      const followUpAt = afterUnanswered ? now() + window : null;
      if (await markPublished(d, { ...result, adopted: false, followUpAt })) opts.onPublished?.(d, now() - d.scheduled_at, false, result.externalId);
    } catch (err) {
      calling.delete(d.id);
      // The window runs from when Pinion stopped waiting for an answer: the platform may commit any time after.
      await afterFailedAttempt(d, err, attempts, now() + window, category);
    } finally {
      calling.delete(d.id);
    }
  }

  /** The last look at a delivery published again after an unanswered attempt (see lookForLateDuplicate). */
  const followUp = (d: DeliveryRow) =>
    lookForLateDuplicate({
      db,
      log,
      d,
      publisher: opts.publisherFor(d.platform),
      withToken: (call) => opts.tokens.withAccessToken(d.account_id, call),
      units,
      now,
      lookAgainIn: backoff(1),
    });

  async function withLease(d: DeliveryRow): Promise<void> {
    const heartbeat = setInterval(
      () => {
        const window = calling.get(d.id);
        const at = now();
        renewLease(db, d.id, owner, opts.leaseMs, at, window === undefined ? undefined : at + opts.leaseMs + window).catch((err) =>
          log.warn({ err, deliveryId: d.id }, 'lease renewal failed'),
        );
      },
      Math.max(100, opts.leaseMs / 3),
    );
    try {
      await publishOne(d);
    } catch (err) {
      // Anything unexpected (database blip, bug): leave it to the lease to run out and be retried.
      log.error({ err, deliveryId: d.id }, 'delivery processing failed');
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Atomic (one statement on PostgreSQL, a transaction on SQLite), so nobody sees a delivery publishing while its post still says scheduled. */
  function claim(limit: number): Promise<DeliveryRow[]> {
    const claimOf = (on: Kysely<Database>) => claimDeliveries(on, opts.dialect, { owner, leaseMs: opts.leaseMs, limit, now: now(), postsPublishing: true });
    const claimed = opts.dialect === 'postgres' ? claimOf(db) : db.transaction().execute(claimOf);
    claiming = claimed.catch(() => undefined);
    return claimed;
  }

  return {
    name: 'publish-deliveries',
    owner,
    idleIntervalMs: opts.pollIntervalMs,
    async run(signal) {
      const unfinished = new Set<Promise<void>>();
      let more = false;
      try {
        // The next batch is claimed once this one's platform calls are over, while its outcomes are still being
        // written: the database records one batch while the next is published. At most `concurrency` deliveries
        // are ever being published; a bounded number of batches a run, so the follow-up looks below come round.
        for (let batches = 0; batches < BATCHES_PER_RUN && !signal.aborted; batches++) {
          const claimed = await claim(opts.concurrency);
          const calls = claimed.map((d) => {
            let over!: () => void;
            const called = new Promise<void>((resolve) => (over = resolve));
            callsOver.set(d.id, over);
            const finished: Promise<void> = withLease(d).finally(() => {
              over();
              callsOver.delete(d.id);
              unfinished.delete(finished);
            });
            unfinished.add(finished);
            return called;
          });
          await Promise.all(calls);
          more = claimed.length === opts.concurrency;
          if (!more) break;
        }
      } finally {
        await Promise.all(unfinished);
      }
      const followUps = await takeFollowUps(db, opts.dialect, now(), opts.concurrency);
      await Promise.all(followUps.map((d) => followUp(d).catch((err) => log.error({ err, deliveryId: d.id }, 'follow-up look failed'))));
      return more || followUps.length === opts.concurrency;
    },
  };
}
