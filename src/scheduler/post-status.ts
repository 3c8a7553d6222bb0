import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import type { DeliveryStatus, PostStatus } from '../store/schema.js';

/**
 * The post's status follows from its deliveries'. A delivery awaiting the check of an unanswered
 * attempt is still being published, so the post shows `publishing`. A delivery that needs attention
 * did not verifiably go out and will not be tried again: the post counts it as failed (the delivery
 * itself says `needs_attention` and why).
 */
export function summarise(statuses: DeliveryStatus[]): PostStatus {
  const all = (s: DeliveryStatus) => statuses.length > 0 && statuses.every((x) => x === s);
  if (all('cancelled')) return 'cancelled';
  if (statuses.includes('publishing') || statuses.includes('awaiting_check')) return 'publishing';
  if (statuses.includes('scheduled')) return statuses.includes('published') ? 'publishing' : 'scheduled';
  const live = statuses.filter((s) => s !== 'cancelled').map((s) => (s === 'needs_attention' ? 'failed' : s));
  if (live.every((s) => s === 'published')) return 'published';
  if (live.every((s) => s === 'failed')) return 'failed';
  return 'partially_published';
}

/** Stores the status that follows from the post's deliveries; call it in the transaction that changed them. */
export async function refreshPostStatus(db: Kysely<Database>, postId: string, now = Date.now()): Promise<void> {
  await refreshPostStatuses(db, [postId], now);
}

/** refreshPostStatus for many posts: one read of their deliveries, one write per status that changes. */
export async function refreshPostStatuses(db: Kysely<Database>, postIds: string[], now = Date.now()): Promise<void> {
  const ids = [...new Set(postIds)];
  if (!ids.length) return;
  const rows = await db.selectFrom('deliveries').select(['post_id', 'status']).where('post_id', 'in', ids).execute();
  const statuses = new Map<string, DeliveryStatus[]>(ids.map((id) => [id, []]));
  for (const r of rows) statuses.get(r.post_id)!.push(r.status);
  const next = [...statuses].map(([id, list]) => ({ id, status: summarise(list) }));
  // One statement, so two workers recording posts they share lock those rows in the same order (no deadlock).
  const status = next.every((p) => p.status === next[0]!.status)
    ? sql`${next[0]!.status}`
    : sql`case id ${sql.join(
        next.map((p) => sql`when ${p.id} then ${p.status}`),
        sql` `,
      )} end`;
  await db
    .updateTable('posts')
    .set({ status: sql<PostStatus>`${status}`, updated_at: now })
    .where('id', 'in', ids)
    .where(sql<boolean>`status <> ${status}`)
    .execute();
}

/** Posts whose deliveries a worker has just claimed: shown as publishing while the platform is called. */
export async function markPostsPublishing(db: Kysely<Database>, postIds: string[], now = Date.now()): Promise<void> {
  if (!postIds.length) return;
  await db
    .updateTable('posts')
    .set({ status: 'publishing', updated_at: now })
    .where('id', 'in', [...new Set(postIds)])
    .where('status', '=', 'scheduled')
    .execute();
}

/**
 * summarise() as an SQL aggregate over a `status` column of the rows grouped per post, for
 * statements that work out the post's status without reading the deliveries back (the publish
 * pass's write on PostgreSQL). test/scheduler/post-status.test.ts holds it to summarise().
 */
export const summariseSql = sql<PostStatus>`case
    when count(*) = count(*) filter (where status = 'cancelled') then 'cancelled'
    when count(*) filter (where status in ('publishing', 'awaiting_check')) > 0 then 'publishing'
    when count(*) filter (where status = 'scheduled') > 0 then (case when count(*) filter (where status = 'published') > 0 then 'publishing' else 'scheduled' end)
    when count(*) = count(*) filter (where status in ('published', 'cancelled')) then 'published'
    when count(*) = count(*) filter (where status in ('failed', 'needs_attention', 'cancelled')) then 'failed'
    else 'partially_published'
  end`;
