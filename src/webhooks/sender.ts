/**
 * The webhook outbox's sender: which deliveries are due, the lease that lets exactly one worker send each
 * attempt, the signed body, and recording each attempt with its retry or its giving up. The HTTP request
 * itself is in post-to-receiver.ts.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { TokenVault } from '../accounts/index.js';
import type { Logger } from '../observability/index.js';
import { inParallel, systemClock, type BackgroundPass, type Clock } from '../shared/index.js';
import { newId, type Database } from '../store/index.js';
import { signatureHeader, standardWebhookHeaders } from './signing.js';
import { describe, post, type Outcome } from './post-to-receiver.js';

export interface WebhookSendConfig {
  /** Deliveries claimed per run. */
  batchSize?: number;
  /** Requests in flight per run; deliveries to one endpoint go one after another. */
  concurrency?: number;
  timeoutMs?: number;
  /** Delay after the first failure; doubles with each further one, up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** ± this fraction of random spread on each delay, so retries of one outage do not arrive together. */
  jitter?: number;
  /** Attempts before a delivery is given up as failed. */
  maxAttempts?: number;
  idleIntervalMs?: number;
  /** `host` or `host:port` that may be private; every other receiver must resolve to public addresses. */
  allowHosts?: string[];
}

const DEFAULTS: Required<WebhookSendConfig> = {
  batchSize: 16,
  concurrency: 8,
  timeoutMs: 10_000,
  baseDelayMs: 30_000,
  maxDelayMs: 6 * 3600_000,
  jitter: 0.2,
  maxAttempts: 12,
  idleIntervalMs: 1000,
  allowHosts: [],
};

export function backoffMs(failures: number, c: Pick<Required<WebhookSendConfig>, 'baseDelayMs' | 'maxDelayMs' | 'jitter'>, random = Math.random): number {
  const delay = Math.min(c.maxDelayMs, c.baseDelayMs * 2 ** (failures - 1));
  return Math.max(0, Math.round(delay * (1 + c.jitter * (2 * random() - 1))));
}

/**
 * Sends due deliveries from the outbox. A delivery is claimed with a lease (an atomic
 * conditional UPDATE, the same on SQLite and PostgreSQL) and the lease is renewed, by owner,
 * right before the request, so of any number of workers exactly one sends each attempt; a worker
 * that dies mid-batch only delays its deliveries until the lease runs out.
 */
export function sendWebhooksPass(opts: { db: Kysely<Database>; vault: TokenVault; log: Logger; config?: WebhookSendConfig; clock?: Clock }): BackgroundPass {
  const c = { ...DEFAULTS, ...opts.config };
  const clock = opts.clock ?? systemClock;
  const { db, vault, log } = opts;
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  // Outlives one request (aborted at timeoutMs), so a lease never lapses while its request runs.
  const leaseMs = c.timeoutMs + 30_000;

  const leaseFree = (now: number) =>
    db
      .updateTable('webhook_deliveries')
      .set({ lease_until: now + leaseMs, lease_owner: owner })
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]));

  async function claim(): Promise<{ claimed: string[]; full: boolean }> {
    const now = clock.now();
    const due = await db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('next_attempt_at')
      .limit(c.batchSize)
      .execute();
    const claimed: string[] = [];
    for (const { id } of due) {
      const result = await leaseFree(now).where('id', '=', id).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) claimed.push(id);
    }
    return { claimed, full: due.length === c.batchSize };
  }

  const mine = (id: string) => db.updateTable('webhook_deliveries').where('id', '=', id).where('lease_owner', '=', owner);
  const release = (id: string) => mine(id).set({ lease_until: null, lease_owner: null }).execute();

  async function load(ids: string[]) {
    return db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as w', 'w.id', 'd.endpoint_id')
      .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
      .select([
        'd.id',
        'd.attempts',
        'd.endpoint_id',
        'w.url',
        'w.format',
        'w.secret',
        'w.previous_secret',
        'w.previous_secret_until',
        'w.enabled',
        'e.id as event_id',
        'e.type',
        'e.payload',
        'e.created_at',
      ])
      .where('d.id', 'in', ids)
      .where('d.lease_owner', '=', owner)
      .execute();
  }
  type Claimed = Awaited<ReturnType<typeof load>>[number];

  async function deliver(d: Claimed, signal: AbortSignal): Promise<void> {
    const ids = { deliveryId: d.id, endpointId: d.endpoint_id, eventId: d.event_id };
    if (!d.enabled) {
      await mine(d.id)
        .set({ status: 'failed', last_error: 'endpoint disabled', lease_until: null, lease_owner: null, next_attempt_at: null, updated_at: clock.now() })
        .execute();
      log.info(ids, 'webhook delivery dropped: endpoint disabled');
      return;
    }
    if (signal.aborted) return void (await release(d.id));
    // Renewed by owner: if the lease lapsed and another worker took the delivery, it sends, not us.
    const renewed = await mine(d.id)
      .set({ lease_until: clock.now() + leaseMs })
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(renewed.numUpdatedRows) !== 1) return;

    const attempt = d.attempts + 1;
    const startedAt = clock.now();
    let outcome: Outcome;
    try {
      const body = JSON.stringify({ id: d.event_id, type: d.type, created_at: new Date(d.created_at).toISOString(), data: JSON.parse(d.payload) });
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'Pinion-Webhooks/1',
        'pinion-event-id': d.event_id,
        'pinion-event-type': d.type,
        'pinion-delivery-id': d.id,
        // The delivery id is the message id: the same on every retry of this event to this endpoint.
        ...(d.format === 'standard'
          ? standardWebhookHeaders(secretsOf(d, vault, startedAt), d.id, body)
          : { 'pinion-signature': signatureHeader(secretsOf(d, vault, startedAt), body) }),
      };
      outcome = await post(d.url, body, headers, { timeoutMs: c.timeoutMs, allowHosts: c.allowHosts }, signal);
    } catch (err) {
      outcome = { statusCode: null, error: describe(err), excerpt: null };
    }
    if (outcome.interrupted) return void (await release(d.id));

    const now = clock.now();
    const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    const error = ok
      ? null
      : (outcome.error ?? `HTTP ${outcome.statusCode}${outcome.statusCode! < 400 && outcome.statusCode! >= 300 ? ' (redirects are not followed)' : ''}`);
    const givenUp = !ok && attempt >= c.maxAttempts;
    const next = ok || givenUp ? null : now + backoffMs(attempt, c);
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhook_attempts')
        .values({
          id: newId('wha', startedAt),
          delivery_id: d.id,
          attempt,
          started_at: startedAt,
          duration_ms: now - startedAt,
          status_code: outcome.statusCode,
          error,
          response_excerpt: outcome.excerpt,
        })
        .execute();
      await trx
        .updateTable('webhook_deliveries')
        .set({
          status: ok ? 'succeeded' : givenUp ? 'failed' : 'pending',
          attempts: attempt,
          next_attempt_at: next,
          last_status_code: outcome.statusCode,
          last_error: error,
          delivered_at: ok ? now : null,
          lease_until: null,
          lease_owner: null,
          updated_at: now,
        })
        .where('id', '=', d.id)
        .where('lease_owner', '=', owner)
        .execute();
    });
    const fields = { ...ids, eventType: d.type, attempt, statusCode: outcome.statusCode, durationMs: now - startedAt };
    if (ok) log.info(fields, 'webhook delivered');
    else if (givenUp) log.warn({ ...fields, error }, 'webhook delivery failed for good');
    else log.info({ ...fields, error, nextAttemptAt: new Date(next!).toISOString() }, 'webhook attempt failed; will retry');
  }

  return {
    name: 'send-webhooks',
    idleIntervalMs: c.idleIntervalMs,
    async run(signal) {
      const { claimed, full } = await claim();
      if (!claimed.length) return full;
      const lanes = new Map<string, Claimed[]>();
      for (const d of await load(claimed)) lanes.set(d.endpoint_id, [...(lanes.get(d.endpoint_id) ?? []), d]);
      await inParallel([...lanes.values()], c.concurrency, async (lane) => {
        for (const d of lane) {
          try {
            await deliver(d, signal);
          } catch (err) {
            // The lease runs out and another run retries it.
            log.error({ err, deliveryId: d.id }, 'webhook delivery could not be recorded');
          }
        }
      });
      return full;
    },
  };
}

/** The endpoint's secret, and the one it replaced while that still signs. */
function secretsOf(
  d: { endpoint_id: string; secret: string; previous_secret: string | null; previous_secret_until: number | null },
  vault: TokenVault,
  now: number,
): string[] {
  const current = vault.decrypt(d.secret, d.endpoint_id);
  const overlap = d.previous_secret !== null && d.previous_secret_until !== null && d.previous_secret_until > now;
  return overlap ? [current, vault.decrypt(d.previous_secret!, d.endpoint_id)] : [current];
}
