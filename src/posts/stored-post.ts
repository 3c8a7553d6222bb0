import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../store/index.js';
import type { PostStatus } from '../store/schema.js';
import type { DeliveryRow } from '../scheduler/index.js';
import type { MediaProblem } from './plan.js';
import type { PostRequest } from './request.js';
import type { LinkVerdict } from './link-preflight.js';

/** A post as stored (posts.ts writes them; this file reads them). */
export type PostRow = Selectable<Database['posts']>;

export interface Post {
  id: string;
  workspaceId: string;
  status: PostStatus;
  request: PostRequest;
  scheduledAt: number;
  timezone: string | null;
  createdAt: number;
  updatedAt: number;
  deliveries: DeliveryRow[];
  /** The campaign the post belongs to, if any. */
  campaignId: string | null;
  /** When a person deleted it (DELETE /posts/:id); deleted posts are found only by their idempotency key. */
  deletedAt: number | null;
  /** The background link preflight's last verdict, when it has looked. */
  linkCheck: { checkedAt: number; links: LinkVerdict[] } | null;
  /** The background media preflight: when it last finished (null: not yet), when it looks next (null: not again), what it found. */
  mediaCheck: { checkedAt: number | null; nextAt: number | null; problems: MediaProblem[] };
}

export const toPost = (row: PostRow, deliveries: DeliveryRow[], request = JSON.parse(row.request) as PostRequest): Post => ({
  id: row.id,
  workspaceId: row.workspace_id,
  status: row.status,
  request,
  scheduledAt: row.scheduled_at,
  timezone: row.timezone,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  deliveries,
  campaignId: row.campaign_id,
  deletedAt: row.deleted_at,
  linkCheck:
    row.link_check === null || row.link_checked_at === null
      ? null
      : { checkedAt: Number(row.link_checked_at), links: JSON.parse(row.link_check) as LinkVerdict[] },
  mediaCheck: {
    checkedAt: row.media_checked_at === null ? null : Number(row.media_checked_at),
    nextAt: row.media_check_next === null ? null : Number(row.media_check_next),
    problems: JSON.parse(row.media_check ?? '[]') as MediaProblem[],
  },
});

/**
 * A post and its deliveries are read in two statements; one snapshot for both (PostgreSQL
 * otherwise gives each statement its own) keeps the post's status in step with its deliveries'.
 * SQLite transactions are serializable already.
 */
export const snapshot = <T>(db: Kysely<Database>, read: (trx: Kysely<Database>) => Promise<T>): Promise<T> =>
  db.isTransaction ? read(db) : db.transaction().setIsolationLevel('repeatable read').execute(read);

/** A post of the workspace; a deleted one only `withDeleted`. */
export async function getPost(db: Kysely<Database>, workspaceId: string, id: string, opts: { withDeleted?: boolean } = {}): Promise<Post | undefined> {
  return snapshot(db, async (trx) => {
    const row = await trx
      .selectFrom('posts')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .$if(!opts.withDeleted, (q) => q.where('deleted_at', 'is', null))
      .executeTakeFirst();
    if (!row) return undefined;
    const deliveries = await trx.selectFrom('deliveries').selectAll().where('post_id', '=', id).orderBy('id').execute();
    return toPost(row, deliveries);
  });
}
