import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { preparedOnPostgres, type Database } from '../store/index.js';
import { assertTransition, moveDeliveries, moveDelivery, type DeliveryRow } from './delivery-state.js';
import { refreshPostStatus, refreshPostStatuses, summariseSql } from './post-status.js';

/** Another post the platform turned out to hold for one delivery, and whether Pinion deleted it. */
export interface Duplicate {
  externalId: string;
  url: string;
  removed: boolean;
}

/** What the scheduler tells its listener, inside the transaction that records it. */
export type DeliveryOutcome =
  | {
      type: 'published';
      delivery: DeliveryRow;
      externalId: string;
      url: string;
      publishedAt: number;
      adopted: boolean;
      duplicates: Duplicate[];
      warning: string | null;
    }
  | { type: 'failed'; delivery: DeliveryRow; error: { kind: string; message: string }; attempts: number }
  | { type: 'needs_attention'; delivery: DeliveryRow; error: { kind: string; message: string }; attempts: number };

/**
 * Told of every end state in the transaction that records it (webhooks write their event there),
 * so a crash can never publish without telling, or tell twice.
 */
export type OutcomeListener = (trx: Kysely<Database>, outcome: DeliveryOutcome) => Promise<void>;
/** The same for the outcomes one transaction records together, in one call (webhooks write their events in one insert). */
export type OutcomesListener = (trx: Kysely<Database>, outcomes: DeliveryOutcome[]) => Promise<void>;

/** What a publish came back with. */
export interface PublishResult {
  externalId: string;
  url: string;
  adopted: boolean;
  duplicates?: Duplicate[];
  warning?: string | null;
  followUpAt?: number | null;
}

const released = { attempt_pending: 0, lease_owner: null, lease_until: null, check_until: null } as const;

/**
 * The end states of a delivery. Each is one transaction: the delivery row, its post's status and
 * whatever the listener records change together. Each requires the delivery to still be
 * publishing, so a late writer changes nothing.
 */
export async function markPublished(db: Kysely<Database>, d: DeliveryRow, result: PublishResult, now: number, listener?: OutcomeListener): Promise<boolean> {
  const [moved] = await markPublishedMany(db, [{ d, result, now }], now, listener && ((trx, outcomes) => listener(trx, outcomes[0]!)));
  return moved!;
}

/**
 * markPublished for deliveries published around the same time, in one transaction: one guarded
 * UPDATE of the deliveries, their posts' statuses recomputed once each, one call of the listener.
 * Says per delivery whether it was recorded (false: it was no longer publishing).
 */
export async function markPublishedMany(
  db: Kysely<Database>,
  items: ReadonlyArray<{ d: DeliveryRow; result: PublishResult; now: number }>,
  now: number,
  listener?: OutcomesListener,
): Promise<boolean[]> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // One statement records the lot, atomic by itself: a transaction only when the listener writes too.
    const write = async (on: Kysely<Database>) => {
      const moved = await publishOnPostgres(on, items, now);
      const done = items.filter(({ d }) => moved.has(d.id));
      if (done.length) await listener?.(on, done.map(outcomeOf));
      return items.map(({ d }) => moved.has(d.id));
    };
    return listener ? db.transaction().execute(write) : write(db);
  }
  return db.transaction().execute(async (trx) => {
    const moved = await moveDeliveries(
      trx,
      items.map(({ d, result, now: at }) => ({ id: d.id, set: publishedColumns(result, at) })),
      { from: ['publishing'], to: 'published', now },
    );
    const done = items.filter(({ d }) => moved.has(d.id));
    if (!done.length) return items.map(() => false);
    await refreshPostStatuses(
      trx,
      done.map(({ d }) => d.post_id),
      now,
    );
    await listener?.(trx, done.map(outcomeOf));
    return items.map(({ d }) => moved.has(d.id));
  });
}

const duplicatesJson = (duplicates: Duplicate[] | undefined) =>
  duplicates?.length ? JSON.stringify(duplicates.map((x) => ({ external_id: x.externalId, url: x.url, removed: x.removed }))) : null;

function publishedColumns(result: PublishResult, at: number) {
  return {
    ...released,
    // Published again after an unanswered attempt: one more look for that attempt's pin, made late.
    follow_up_at: result.followUpAt ?? null,
    external_id: result.externalId,
    external_url: result.url,
    published_at: at,
    adopted: result.adopted ? 1 : 0,
    last_error: null,
    last_error_kind: null,
    duplicates: duplicatesJson(result.duplicates),
    warning: result.warning ?? null,
  };
}

function outcomeOf({ d, result, now: at }: { d: DeliveryRow; result: PublishResult; now: number }): DeliveryOutcome {
  return {
    type: 'published',
    delivery: d,
    externalId: result.externalId,
    url: result.url,
    publishedAt: at,
    adopted: result.adopted,
    duplicates: result.duplicates ?? [],
    warning: result.warning ?? null,
  };
}

/**
 * The publishes as one PostgreSQL statement: the same guarded move as moveDeliveries (the values per
 * delivery passed as one JSON parameter, not one parameter per value), and each post's status
 * worked out from its deliveries as they are after the move (summariseSql over the others as they
 * stand plus the moved ones as published), written only where it changes. The deliveries are given,
 * and the posts summed, in id order, which the plans take the rows in, so two workers sharing posts
 * lock them in the same order (a deadlock would fail the write, and the leases' expiry retry it with a
 * look first, as after any failed write). Returns the ids moved.
 */
async function publishOnPostgres(db: Kysely<Database>, items: ReadonlyArray<{ d: DeliveryRow; result: PublishResult; now: number }>, now: number) {
  assertTransition('publishing', 'published');
  const sorted = [...items].sort((a, b) => (a.d.id < b.d.id ? -1 : a.d.id > b.d.id ? 1 : 0));
  const input = sorted.map(({ d, result, now: at }) => ({
    id: d.id,
    external_id: result.externalId,
    external_url: result.url,
    published_at: at,
    adopted: result.adopted ? 1 : 0,
    duplicates: duplicatesJson(result.duplicates),
    warning: result.warning ?? null,
    follow_up_at: result.followUpAt ?? null,
  }));
  const { rows } = await sql<{ id: string }>`with input as (
      select * from json_to_recordset(${JSON.stringify(input)}::json)
        as i(id text, external_id text, external_url text, published_at bigint, adopted int, duplicates text, warning text, follow_up_at bigint)
    ), moved as (
      update deliveries d set status = 'published', attempt_pending = 0, lease_owner = null, lease_until = null, check_until = null, follow_up_at = i.follow_up_at,
        external_id = i.external_id, external_url = i.external_url, published_at = i.published_at, adopted = i.adopted,
        last_error = null, last_error_kind = null, duplicates = i.duplicates, warning = i.warning, updated_at = ${now}
      from input i where d.id = i.id and d.status = 'publishing'
      returning d.id, d.post_id
    ), after as (
      select post_id, status from deliveries where post_id in (select post_id from moved) and id not in (select id from moved)
      union all select post_id, 'published' from moved
    ), summed as (
      select post_id, ${summariseSql} as status from after group by post_id order by post_id
    ), shown as (
      update posts p set status = s.status, updated_at = ${now} from summed s where p.id = s.post_id and p.status <> s.status
    )
    select id from moved${preparedOnPostgres}`.execute(db);
  return new Set(rows.map((r) => r.id));
}

/** Failed for good (`failed`), or given up without knowing whether it went out (`needs_attention`). */
export async function markFailed(
  db: Kysely<Database>,
  d: DeliveryRow,
  error: { kind: string; message: string },
  attempts: number,
  now: number,
  listener?: OutcomeListener,
  to: 'failed' | 'needs_attention' = 'failed',
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const moved = await moveDelivery(trx, d.id, {
      from: ['publishing'],
      to,
      set: { ...released, last_error: error.message, last_error_kind: error.kind },
      now,
    });
    if (!moved) return;
    await refreshPostStatus(trx, d.post_id, now);
    await listener?.(trx, { type: to, delivery: d, error, attempts });
  });
}

/**
 * Back to the queue until `runAt`: `scheduled` when nothing can have been published (or one look
 * is owed, `lookFirst`), `awaiting_check` while the result of an unanswered attempt is looked for
 * until `checkUntil`.
 */
export async function requeue(
  db: Kysely<Database>,
  d: DeliveryRow,
  owner: string,
  opts: {
    to: 'scheduled' | 'awaiting_check';
    runAt: number;
    now: number;
    lookFirst?: boolean;
    checkUntil?: number | null;
    attempts?: number;
    error?: { kind: string; message: string };
  },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const pending = opts.to === 'awaiting_check' || opts.lookFirst === true;
    const moved = await moveDelivery(trx, d.id, {
      from: ['publishing'],
      to: opts.to,
      owner,
      set: {
        run_at: opts.runAt,
        attempt_pending: pending ? 1 : 0,
        check_until: opts.to === 'awaiting_check' ? (opts.checkUntil ?? opts.runAt) : null,
        ...(opts.attempts !== undefined && { attempts: opts.attempts }),
        ...(opts.error && { last_error: opts.error.message, last_error_kind: opts.error.kind }),
        lease_owner: null,
        lease_until: null,
      },
      now: opts.now,
    });
    // The post showed publishing while the delivery was claimed; waiting again, it may be scheduled again.
    if (moved) await refreshPostStatus(trx, d.post_id, opts.now);
  });
}
