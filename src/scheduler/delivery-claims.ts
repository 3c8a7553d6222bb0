import { sql, type Kysely } from 'kysely';
import { literalLimit, preparedOnPostgres, reusable, type Database, type Dialect } from '../store/index.js';
import { inOneRound, nextSlots, pacingUpsert, reserveSlots, type SlotRequest } from '../budgets/index.js';
import { assertTransition, moveDeliveries, moveDelivery, type DeliveryRow } from './delivery-state.js';

/*
 * The worker's side of the delivery state: claims, leases, attempts and the progress of an attempt.
 * Every write here uses delivery-state.ts's transition table and is guarded the same way (the
 * status expected and, for a claimed delivery, the worker holding its lease).
 */

/**
 * Claims up to `limit` deliveries for this worker: first those whose worker died mid-publish
 * (lease run out), then those due (scheduled, or awaiting the check of an unanswered attempt).
 * PostgreSQL does all three in one statement (see claimOnPostgres), the candidate rows locked with
 * SKIP LOCKED so concurrent workers take different rows instead of queueing on the same ones. The
 * candidates are a MATERIALIZED CTE: as a plain `IN (SELECT … LIMIT n)` PostgreSQL may re-run the
 * subquery and claim more than n. It re-checks the status in the UPDATE (another worker may have
 * changed the row since it was picked). On SQLite each kind is picked by a plain read and one UPDATE
 * takes them, in a transaction (the caller's, or one of its own), whose `begin immediate` holds the
 * write lock, so nothing changes between the picks and the UPDATE. With `postsPublishing` the
 * claimed deliveries' posts are shown as publishing too.
 */
export async function claimDeliveries(
  db: Kysely<Database>,
  dialect: Dialect,
  opts: { owner: string; leaseMs: number; limit: number; now?: number; postsPublishing?: boolean },
): Promise<DeliveryRow[]> {
  const now = opts.now ?? Date.now();
  assertTransition('publishing', 'publishing');
  assertTransition('scheduled', 'publishing');
  assertTransition('awaiting_check', 'publishing');
  if (dialect === 'postgres') return claimOnPostgres(db, { ...opts, now });
  // The picks and the UPDATE must see the same rows: in a transaction (its `begin immediate` takes the write lock).
  if (!db.isTransaction) return db.transaction().execute((trx) => claimDeliveries(trx, dialect, { ...opts, now }));
  const { owner, limit } = opts;

  // Plain reads pick (an UPDATE … RETURNING costs SQLite 20–40 µs even when it changes nothing, and
  // most polls find nothing), each walking its index in order: leases run out, then looks owed,
  // then new work. One UPDATE then takes what was picked.
  const picked = (await pickExpired(db, now, limit)).map((r) => r.id);
  for (const status of ['awaiting_check', 'scheduled'] as const) {
    if (picked.length >= limit) break;
    for (const r of await pickDue(db, status, now, limit - picked.length)) picked.push(r.id);
  }
  if (!picked.length) return [];
  // The status is checked again all the same (cheap, and the UPDATE then stands on its own). The unary + keeps
  // SQLite from answering that check through an index: it would walk the status index over every scheduled row
  // (0.5 s a claim at 200,000 rows) instead of looking the picked ids up by key.
  const taken = await db
    .updateTable('deliveries')
    .set({ status: 'publishing', lease_owner: owner, lease_until: now + opts.leaseMs, updated_at: now })
    .where('id', 'in', picked)
    .where(sql<boolean>`(+status in ('scheduled', 'awaiting_check') or (+status = 'publishing' and +lease_until < ${now}))`)
    .returningAll()
    .execute();
  const byId = new Map(taken.map((d) => [d.id, d]));
  // In the order picked: expired leases first.
  const claimed = picked.flatMap((id) => byId.get(id) ?? []);
  if (opts.postsPublishing && claimed.length) {
    await db
      .updateTable('posts')
      .set({ status: 'publishing', updated_at: now })
      .where('id', 'in', [...new Set(claimed.map((d) => d.post_id))])
      .where('status', '=', 'scheduled')
      .execute();
  }
  return claimed;
}

const pickExpired = reusable('claims.expired', (db, now: number, limit: number) =>
  db.selectFrom('deliveries').select('id').where('status', '=', 'publishing').where('lease_until', '<', now).orderBy('lease_until').limit(limit),
);
const pickDue = reusable('claims.due', (db, status: 'awaiting_check' | 'scheduled', now: number, limit: number) =>
  db.selectFrom('deliveries').select('id').where('status', '=', status).where('run_at', '<=', now).orderBy('run_at').limit(limit),
);

/**
 * The same claim on PostgreSQL as one statement (one round trip, atomic by itself): the three
 * picks in that order, each walking its index and locking with SKIP LOCKED, and the first `limit`
 * of them taken; with `postsPublishing`, the claimed deliveries' posts are shown as publishing in
 * the same statement, so nobody sees one without the other.
 *
 * The limit is written into the SQL, and a pick runs only while the ones before it left room:
 * with the room computed in each LIMIT (`limit - count(expired)`) PostgreSQL could not cost a plan
 * made without the values and planned the statement again on every call (0.48 ms of planning for
 * 0.43 ms of work per claim, 90% of an idle poll, at a million rows ahead); with constant limits it
 * keeps one plan per connection after five calls. A pick may then lock up to `limit` rows of which
 * the UPDATE takes fewer; the others are free again when the statement ends.
 */
async function claimOnPostgres(
  db: Kysely<Database>,
  opts: { owner: string; leaseMs: number; limit: number; now: number; postsPublishing?: boolean },
): Promise<DeliveryRow[]> {
  const { owner, now } = opts;
  const limit = literalLimit(opts.limit, 'claim');
  const posts = opts.postsPublishing
    ? sql`, shown as (update posts set status = 'publishing', updated_at = ${now} where id in (select post_id from claimed) and status = 'scheduled')`
    : sql``;
  const result = await sql<DeliveryRow>`with expired as materialized (
      select id, 1 as kind, lease_until as at from deliveries where status = 'publishing' and lease_until < ${now}
      order by lease_until limit ${limit} for update skip locked
    ), owed as materialized (
      select id, 2 as kind, run_at as at from deliveries where status = 'awaiting_check' and run_at <= ${now} and (select count(*) from expired) < ${limit}
      order by run_at limit ${limit} for update skip locked
    ), due as materialized (
      select id, 3 as kind, run_at as at from deliveries where status = 'scheduled' and run_at <= ${now}
        and (select count(*) from expired) + (select count(*) from owed) < ${limit}
      order by run_at limit ${limit} for update skip locked
    ), picked as (
      select id from (select * from expired union all select * from owed union all select * from due) p order by kind, at limit ${limit}
    ), claimed as (
      update deliveries set status = 'publishing', lease_owner = ${owner}, lease_until = ${now + opts.leaseMs}, updated_at = ${now}
      where id in (select id from picked) and (status in ('scheduled', 'awaiting_check') or (status = 'publishing' and lease_until < ${now}))
      returning *
    )${posts}
    select * from claimed${preparedOnPostgres}`.execute(db);
  return result.rows;
}

/**
 * Keeps the lease of a delivery this worker is still working on. False when it was lost. While
 * a publish call is out, `checkUntil` moves the end of its outcome window along: should this
 * worker die, the call's connection closes before the lease runs out, and the platform may still
 * make the post for a window after that.
 */
export async function renewLease(db: Kysely<Database>, id: string, owner: string, leaseMs: number, now = Date.now(), checkUntil?: number): Promise<boolean> {
  const r = await db
    .updateTable('deliveries')
    .set({ lease_until: now + leaseMs, ...(checkUntil !== undefined && { check_until: checkUntil }) })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'publishing')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Records an attempt before the platform is called: from here until its outcome is known, the
 * delivery is looked for on the platform before anything is published again, up to `checkUntil`.
 */
export async function recordAttempt(
  db: Kysely<Database>,
  d: DeliveryRow,
  owner: string,
  a: { attempts: number; startedAt: number; checkUntil: number; now: number },
): Promise<boolean> {
  return moveDelivery(db, d.id, {
    from: ['publishing'],
    to: 'publishing',
    owner,
    set: { attempts: a.attempts, attempt_pending: 1, attempt_started_at: a.startedAt, check_until: a.checkUntil },
    now: a.now,
  });
}

/** recordAttempt for many deliveries in one statement; says per attempt whether it was recorded (false: the lease was lost). */
export async function recordAttempts(
  db: Kysely<Database>,
  owner: string,
  items: ReadonlyArray<{ d: DeliveryRow; attempts: number; startedAt: number; checkUntil: number }>,
  now: number,
): Promise<boolean[]> {
  const set = (a: (typeof items)[number]) => ({ attempts: a.attempts, attempt_pending: 1, attempt_started_at: a.startedAt, check_until: a.checkUntil });
  const moved = await moveDeliveries(
    db,
    items.map((a) => ({ id: a.d.id, set: set(a) })),
    { from: ['publishing'], to: 'publishing', owner, now },
  );
  return items.map((a) => moved.has(a.d.id));
}

/** A delivery about to be published: its pacing slot, then its attempt, recorded only if the slot was given. */
export interface AttemptStart {
  d: DeliveryRow;
  slot: SlotRequest;
  attempts: number;
  /** How long after the slot's time the attempt's result is looked for (lease plus the platform's outcome window). */
  checkFor: number;
}

/** Refused a slot (ask again at retryAt), or given one at `at`, the attempt recorded unless the lease was lost. */
export type AttemptStarted = { ok: false; retryAt: number } | { ok: true; at: number; recorded: boolean };

/**
 * reserveSlots, then recordAttempts for the deliveries given a slot, answering each as those two
 * would. On PostgreSQL, when the slots take one round (see inOneRound, the usual case), both are one
 * statement: the pacing upsert and the guarded attempt UPDATE of the deliveries whose account got
 * its slot. The retry time of a refused slot is read after, as reserveSlots does.
 */
export async function startAttempts(
  db: Kysely<Database>,
  dialect: Dialect,
  owner: string,
  items: readonly AttemptStart[],
  now: number,
): Promise<AttemptStarted[]> {
  assertTransition('publishing', 'publishing');
  if (dialect !== 'postgres' || !inOneRound(items.map((i) => i.slot))) {
    const slots = await reserveSlots(
      db,
      items.map((i) => i.slot),
      now,
    );
    const given = items.filter((_, k) => slots[k]!.ok);
    const recorded = await recordAttempts(
      db,
      owner,
      given.map((i) => ({ d: i.d, attempts: i.attempts, startedAt: now, checkUntil: now + i.checkFor })),
      now,
    );
    let n = 0;
    return slots.map((slot) => (slot.ok ? { ok: true, at: slot.at, recorded: recorded[n++]! } : slot));
  }
  const starts = items.map((i) => ({
    id: i.d.id,
    account_id: i.slot.accountId,
    category: i.slot.category,
    attempts: i.attempts,
    check_until: now + i.checkFor,
  }));
  const { rows } = await sql<{ started: string | null; account_id: string | null; category: string | null }>`with paced as (
      ${pacingUpsert(
        items.map((i) => i.slot),
        now,
      )}
    ), started as (
      update deliveries d set attempts = u.attempts, attempt_pending = 1, attempt_started_at = ${now}, check_until = u.check_until, status = 'publishing', updated_at = ${now}
      from json_to_recordset(${JSON.stringify(starts)}::json) as u(id text, account_id text, category text, attempts int, check_until bigint)
      where d.id = u.id and d.status = 'publishing' and d.lease_owner = ${owner}
        and exists (select 1 from paced p where p.account_id = u.account_id and p.category = u.category)
      returning d.id
    )
    select null as started, account_id, category from paced union all select id, null, null from started${preparedOnPostgres}`.execute(db);
  const key = (accountId: string, category: string) => `${accountId}\u0000${category}`;
  const paced = new Set(rows.filter((r) => r.started === null).map((r) => key(r.account_id!, r.category!)));
  const started = new Set(rows.filter((r) => r.started !== null).map((r) => r.started!));
  const refused = items.filter((i) => !paced.has(key(i.slot.accountId, i.slot.category)));
  const retryAt = refused.length
    ? await nextSlots(
        db,
        refused.map((i) => i.slot),
        now,
      )
    : [];
  let n = 0;
  return items.map((i) =>
    paced.has(key(i.slot.accountId, i.slot.category)) ? { ok: true, at: now, recorded: started.has(i.d.id) } : { ok: false, retryAt: retryAt[n++]! },
  );
}

/** Saves what a publisher did part-way; false when this worker no longer holds the delivery. */
export async function saveProgress(db: Kysely<Database>, d: DeliveryRow, owner: string, progress: unknown): Promise<boolean> {
  const r = await db
    .updateTable('deliveries')
    .set({ progress: JSON.stringify(progress) })
    .where('id', '=', d.id)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'publishing')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
