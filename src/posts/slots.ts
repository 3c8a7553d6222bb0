import { DateTime, IANAZone } from 'luxon';
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import type { FieldIssue } from '../shared/index.js';

/**
 * Queue time slots: an account's weekly posting times in its own zone (Mon–Fri 09:00, 13:00,
 * 20:00 Europe/Paris). A post sent with `scheduled_at: "next_slot"` (or `queue: true`) takes the
 * first one no other post of the account holds. Times are wall-clock times, so a slot stays at
 * 09:00 local across a daylight-saving change (and a slot inside a DST gap moves forward).
 */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface QueueSlots {
  timezone: string;
  slots: Array<{ days: Weekday[]; times: string[] }>;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function checkQueue(q: QueueSlots): FieldIssue[] {
  const errors: FieldIssue[] = [];
  if (!IANAZone.isValidZone(q.timezone)) errors.push({ field: 'timezone', message: `is not an IANA time zone: "${q.timezone}"` });
  q.slots.forEach((s, i) => {
    s.days.forEach((d, j) => {
      if (!WEEKDAYS.includes(d)) errors.push({ field: `slots.${i}.days.${j}`, message: `must be one of ${WEEKDAYS.join(', ')}` });
    });
    s.times.forEach((t, j) => {
      if (!TIME.test(t)) errors.push({ field: `slots.${i}.times.${j}`, message: 'must be a 24-hour time HH:MM, e.g. 09:00' });
    });
  });
  return errors;
}

/** The queue's slot times from `from` on, in order (at most `count`, looking at most `days` ahead). */
export function slotTimes(q: QueueSlots, from: number, count: number, days = 400): number[] {
  const out: number[] = [];
  let day = DateTime.fromMillis(from, { zone: q.timezone }).startOf('day');
  for (let n = 0; n < days && out.length < count; n++, day = day.plus({ days: 1 })) {
    const weekday = WEEKDAYS[day.weekday - 1]!;
    const times = new Set<number>();
    for (const s of q.slots) {
      if (!s.days.includes(weekday)) continue;
      for (const t of s.times) {
        const [hour, minute] = t.split(':').map(Number) as [number, number];
        times.add(DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour, minute }, { zone: q.timezone }).toMillis());
      }
    }
    for (const at of [...times].sort((a, b) => a - b)) if (at >= from && out.length < count) out.push(at);
  }
  return out;
}

export async function getQueue(db: Kysely<Database>, accountId: string): Promise<QueueSlots | undefined> {
  const row = await db.selectFrom('account_queues').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  return row ? { timezone: row.timezone, slots: JSON.parse(row.slots) as QueueSlots['slots'] } : undefined;
}

export async function setQueue(db: Kysely<Database>, accountId: string, q: QueueSlots): Promise<void> {
  const values = { timezone: q.timezone, slots: JSON.stringify(q.slots), updated_at: Date.now() };
  await db
    .insertInto('account_queues')
    .values({ account_id: accountId, ...values })
    .onConflict((oc) => oc.column('account_id').doUpdateSet(values))
    .execute();
}

/** The account's deliveries that hold a time from `from` on (any not cancelled or failed: one whose outcome is being checked may be out), by time. */
async function heldTimes(db: Kysely<Database>, accountId: string, from: number, until: number) {
  return db
    .selectFrom('deliveries')
    .select(['id', 'post_id', 'scheduled_at', 'status'])
    .where('account_id', '=', accountId)
    .where('status', 'in', ['scheduled', 'publishing', 'awaiting_check', 'needs_attention', 'published'])
    .where('scheduled_at', '>=', from)
    .where('scheduled_at', '<=', until)
    .execute();
}

/** Upcoming slots with what fills each (a post's delivery, or nothing). */
export async function upcomingSlots(db: Kysely<Database>, accountId: string, q: QueueSlots, from: number, count: number) {
  const times = slotTimes(q, from, count);
  const held = times.length ? await heldTimes(db, accountId, from, times.at(-1)!) : [];
  return times.map((at) => {
    const d = held.find((h) => Number(h.scheduled_at) === at);
    return { at, postId: d?.post_id ?? null, deliveryId: d?.id ?? null };
  });
}

/**
 * The first slot from `from` on that no post of the account holds: `postId` is the post being
 * re-planned (its own slot is free to it), `reserved` the slots earlier posts of the same batch took.
 */
export async function nextFreeSlot(
  db: Kysely<Database>,
  accountId: string,
  q: QueueSlots,
  from: number,
  taken: { postId?: string; reserved?: ReadonlySet<number> } = {},
): Promise<number | undefined> {
  for (let start = from, round = 0; round < 20; round++) {
    const times = slotTimes(q, start, 200);
    if (!times.length) return undefined;
    const held = new Set((await heldTimes(db, accountId, start, times.at(-1)!)).filter((h) => h.post_id !== taken.postId).map((h) => Number(h.scheduled_at)));
    const free = times.find((t) => !held.has(t) && !taken.reserved?.has(t));
    if (free !== undefined) return free;
    start = times.at(-1)! + 1;
  }
  return undefined;
}
