import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { Database } from '../store/index.js';
import { insertDeliveries } from './new-deliveries.js';
import type { DeliveryStatus, DeliveryTable } from '../store/schema.js';

export type DeliveryRow = Selectable<Database['deliveries']>;
export { insertDeliveries };
export type { DeliveryStatus };

/**
 * Every status a delivery can move to from each status. This module (with delivery-claims.ts, the worker's side) makes every write to a
 * delivery, each one a conditional UPDATE guarded by the status it expects (and, for a claimed
 * delivery, by the worker holding the lease), so a late or racing writer changes nothing.
 *
 * - scheduled → publishing (claimed) | cancelled | needs_attention (the media preflight found a problem
 *   with its media before any attempt; see setAsideForMedia)
 * - publishing → publishing (lease taken over, attempt recorded) | scheduled (retry later; nothing
 *   was published) | awaiting_check (an attempt got no answer) | published | failed | needs_attention
 * - awaiting_check → publishing (claimed to look for the attempt's result)
 * - published → published (a last look found the post made twice: the other ids and a warning recorded)
 * - failed → scheduled (a person retries it: nothing was published, so trying again is safe)
 * - cancelled, needs_attention: final (needs_attention may have been published: never retried)
 *
 * Editing a post replaces deliveries that are `scheduled` with nothing pending, and those set aside
 * for their media (never attempted), with new scheduled ones; that is a delete guarded the same way, not a move.
 */
export const TRANSITIONS: Readonly<Record<DeliveryStatus, readonly DeliveryStatus[]>> = {
  scheduled: ['publishing', 'cancelled', 'needs_attention'],
  publishing: ['publishing', 'scheduled', 'awaiting_check', 'published', 'failed', 'needs_attention'],
  awaiting_check: ['publishing'],
  published: ['published'],
  failed: ['scheduled'],
  cancelled: [],
  needs_attention: [],
};

/** A write that the transition table forbids: a bug in the caller, never applied. */
export class IllegalTransition extends Error {
  constructor(
    readonly from: DeliveryStatus,
    readonly to: DeliveryStatus,
  ) {
    super(`A delivery cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransition';
  }
}

/** A post cannot be changed or cancelled now because a delivery is being published or its outcome is being checked. */
export class DeliveryBusy extends Error {
  constructor(
    message: string,
    readonly deliveryId: string,
    /** When asking again may succeed, when known. */
    readonly retryAt: number | null,
  ) {
    super(message);
    this.name = 'DeliveryBusy';
  }
}

/** `last_error_kind` of a delivery set aside because its media will not do: never attempted, so editing the post may replace it. */
export const MEDIA_PROBLEM = 'media';

export function assertTransition(from: DeliveryStatus, to: DeliveryStatus): void {
  if (!TRANSITIONS[from].includes(to)) throw new IllegalTransition(from, to);
}

type Changes = Omit<Updateable<DeliveryTable>, 'id' | 'status' | 'updated_at'>;

/**
 * Moves one delivery from one of `from` to `to`, with `set` written alongside. False when the
 * delivery is no longer in a state expected (or no longer this worker's): someone else moved it,
 * and nothing was written.
 */
export async function moveDelivery(
  db: Kysely<Database>,
  id: string,
  change: { from: DeliveryStatus[]; to: DeliveryStatus; owner?: string; set?: Changes; now: number },
): Promise<boolean> {
  for (const from of change.from) assertTransition(from, change.to);
  const r = await db
    .updateTable('deliveries')
    .set({ ...change.set, status: change.to, updated_at: change.now })
    .where('id', '=', id)
    .where('status', 'in', change.from)
    .$if(change.owner !== undefined, (qb) => qb.where('lease_owner', '=', change.owner!))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * moveDelivery for many deliveries at once, each with its own `set`: one guarded UPDATE per set of
 * columns written (usually one for the lot), the values that differ picked per row by id. Each
 * row is moved only if it is still in a state expected (and this worker's, given `owner`), exactly
 * as moveDelivery would; the ids moved are returned.
 */
export async function moveDeliveries(
  db: Kysely<Database>,
  items: ReadonlyArray<{ id: string; set: Changes }>,
  change: { from: DeliveryStatus[]; to: DeliveryStatus; owner?: string; now: number },
): Promise<Set<string>> {
  for (const from of change.from) assertTransition(from, change.to);
  const groups = new Map<string, Array<{ id: string; set: Changes }>>();
  for (const item of items) {
    const key = Object.keys(item.set).sort().join(',');
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const moved = new Set<string>();
  for (const group of groups.values()) {
    const rows = await db
      .updateTable('deliveries')
      .set({ ...perRow(group), status: change.to, updated_at: change.now })
      .where(
        'id',
        'in',
        group.map((i) => i.id),
      )
      .where('status', 'in', change.from)
      .$if(change.owner !== undefined, (qb) => qb.where('lease_owner', '=', change.owner!))
      .returning('id')
      .execute();
    for (const r of rows) moved.add(r.id);
  }
  return moved;
}

/** The SET of a group: a value all rows share as is, one that differs as `CASE id WHEN … THEN … END` (numbers cast, as drivers send them untyped). */
function perRow(group: ReadonlyArray<{ id: string; set: Changes }>): Changes {
  const out: Record<string, unknown> = {};
  for (const column of Object.keys(group[0]!.set)) {
    const values = group.map((i) => (i.set as Record<string, unknown>)[column] ?? null);
    if (values.every((v) => v === values[0])) {
      out[column] = values[0];
      continue;
    }
    const choice = sql`case id ${sql.join(
      group.map((i, k) => sql`when ${i.id} then ${values[k]}`),
      sql` `,
    )} end`;
    out[column] = values.some((v) => typeof v === 'number') ? sql`cast(${choice} as bigint)` : choice;
  }
  return out as Changes;
}

/** Why a delivery of a post cannot be changed or cancelled now, or null when it can (or is finished). */
function busyReason(d: DeliveryRow): DeliveryBusy | null {
  const at = (t: number | null) => (t === null ? 'an unknown time' : new Date(t).toISOString());
  if (d.status === 'publishing') {
    return new DeliveryBusy(
      `Delivery ${d.id} to ${d.platform} is being published right now; try again once it has finished (by ${at(d.lease_until)} at the latest, unless the attempt gets no answer).`,
      d.id,
      d.lease_until,
    );
  }
  if (d.status === 'awaiting_check') {
    const until = Math.max(d.run_at, d.check_until ?? d.run_at);
    return new DeliveryBusy(
      `Delivery ${d.id} to ${d.platform} was sent at ${at(d.attempt_started_at)} and no answer came back; Pinion is looking on ${d.platform} for what it published until ${at(until)}. Changing or cancelling it now could publish it twice; try again after that.`,
      d.id,
      until,
    );
  }
  if (d.status === 'scheduled' && d.attempt_pending) {
    return new DeliveryBusy(
      `Delivery ${d.id} to ${d.platform} had an attempt answered with a server error; Pinion looks on ${d.platform} for its result at ${at(d.run_at)}. Try again after that.`,
      d.id,
      d.run_at,
    );
  }
  return null;
}

/** The first reason no delivery of this post may be touched now, or null. */
async function firstBusy(db: Kysely<Database>, postId: string): Promise<DeliveryBusy | null> {
  const rows = await db.selectFrom('deliveries').selectAll().where('post_id', '=', postId).orderBy('id').execute();
  for (const d of rows) {
    const busy = busyReason(d);
    if (busy) return busy;
  }
  return null;
}

/**
 * Replaces a post's deliveries with new ones, only while every one is scheduled with no attempt
 * whose result is unknown. The guarded delete decides a race with a worker's claim: whoever is first wins.
 * Throws DeliveryBusy when one is in flight; false when one has finished (nothing is changed then).
 */
export async function replaceWaitingDeliveries(db: Kysely<Database>, postId: string, rows: Parameters<typeof insertDeliveries>[1]): Promise<boolean> {
  const busy = await firstBusy(db, postId);
  if (busy) throw busy;
  const total = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('post_id', '=', postId)
    .executeTakeFirstOrThrow();
  const removed = await db
    .deleteFrom('deliveries')
    .where('post_id', '=', postId)
    .where('attempt_pending', '=', 0)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'scheduled'),
        eb.and([eb('status', '=', 'needs_attention'), eb('last_error_kind', '=', MEDIA_PROBLEM), eb('attempts', '=', 0)]),
      ]),
    )
    .executeTakeFirst();
  if (Number(removed.numDeletedRows) !== Number(total.n)) {
    // Claimed between the look and the delete: say why, from the delivery's state now.
    const now = await firstBusy(db, postId);
    if (now) throw now;
    return false;
  }
  await insertDeliveries(db, rows);
  return true;
}

/**
 * Sets aside the post's deliveries to these platforms that have not been tried yet, because the media
 * preflight found their media will not do: each moves scheduled → needs_attention with the reason, so
 * it is not published broken; editing the post's media puts the post back on schedule. A delivery
 * claimed meanwhile is left to the publish path (which checks the media itself). Returns those set aside.
 */
export async function setAsideForMedia(
  db: Kysely<Database>,
  postId: string,
  platforms: readonly string[],
  reason: string,
  now: number,
): Promise<DeliveryRow[]> {
  if (!platforms.length) return [];
  const waiting = await db
    .selectFrom('deliveries')
    .selectAll()
    .where('post_id', '=', postId)
    .where('status', '=', 'scheduled')
    .where('attempts', '=', 0)
    .where('attempt_pending', '=', 0)
    .where('platform', 'in', [...platforms])
    .execute();
  const setAside: DeliveryRow[] = [];
  for (const d of waiting) {
    const set = { last_error: reason, last_error_kind: MEDIA_PROBLEM };
    if (await moveDelivery(db, d.id, { from: ['scheduled'], to: 'needs_attention', set, now }))
      setAside.push({ ...d, ...set, status: 'needs_attention', updated_at: now });
  }
  return setAside;
}

/**
 * Cancels every scheduled delivery of a post. Throws DeliveryBusy (and cancels none) when one is
 * being published or its outcome checked: cancelling it could not undo a post the platform may
 * already have made. Finished deliveries are left as they are.
 */
export async function cancelWaitingDeliveries(db: Kysely<Database>, postId: string, now: number): Promise<number> {
  const busy = await firstBusy(db, postId);
  if (busy) throw busy;
  const waiting = await db.selectFrom('deliveries').select('id').where('post_id', '=', postId).where('status', '=', 'scheduled').execute();
  let cancelled = 0;
  for (const d of waiting) {
    // A claim may win the race for one; then that one is in flight, and nothing may be cancelled.
    if (await moveDelivery(db, d.id, { from: ['scheduled'], to: 'cancelled', set: {}, now })) cancelled++;
    else throw (await firstBusy(db, postId)) ?? new DeliveryBusy(`Delivery ${d.id} changed while it was being cancelled; try again.`, d.id, null);
  }
  return cancelled;
}

/**
 * Sends a failed delivery back to the queue, due at `runAt`, on a person's request: with a fresh
 * count of attempts (the last run used them up), its last error kept until the next outcome, its
 * progress kept (a thread resumes after the parts already out, never posting them twice), and who
 * asked and when. False when it is no longer failed (retried at the same moment by someone else).
 */
export async function retryFailedDelivery(
  db: Kysely<Database>,
  d: Pick<DeliveryRow, 'id' | 'retries'>,
  opts: { runAt: number; by: string; now: number },
): Promise<boolean> {
  return moveDelivery(db, d.id, {
    from: ['failed'],
    to: 'scheduled',
    set: {
      scheduled_at: opts.runAt,
      run_at: opts.runAt,
      attempts: 0,
      attempt_pending: 0,
      attempt_started_at: null,
      check_until: null,
      follow_up_at: null,
      lease_owner: null,
      lease_until: null,
      retries: d.retries + 1,
      retried_at: opts.now,
      retried_by: opts.by,
    },
    now: opts.now,
  });
}

/** Records that a published delivery's post was deleted from its platform; false when it is not published. */
export async function recordUnpublished(db: Kysely<Database>, id: string, now: number): Promise<boolean> {
  return moveDelivery(db, id, { from: ['published'], to: 'published', set: { unpublished_at: now, follow_up_at: null }, now });
}
