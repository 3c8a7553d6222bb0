import type { Kysely, Selectable } from 'kysely';
import { newId, type Database } from '../store/index.js';
import type { DeliveryStatus, PostStatus } from '../store/schema.js';
import type { PostPlan } from './plan.js';
import type { PostRequest } from './request.js';
import type { LinkVerdict } from './link-preflight.js';

export type DeliveryRow = Selectable<Database['deliveries']>;
type PostRow = Selectable<Database['posts']>;

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
  /** The background link preflight's last verdict, when it has looked. */
  linkCheck: { checkedAt: number; links: LinkVerdict[] } | null;
}

export class PostConflict extends Error {}

/** The post's status follows from its deliveries'. */
function summarise(statuses: DeliveryStatus[]): PostStatus {
  const all = (s: DeliveryStatus) => statuses.length > 0 && statuses.every((x) => x === s);
  if (all('cancelled')) return 'cancelled';
  if (statuses.includes('publishing')) return 'publishing';
  if (statuses.includes('scheduled')) return statuses.includes('published') ? 'publishing' : 'scheduled';
  const live = statuses.filter((s) => s !== 'cancelled');
  if (live.every((s) => s === 'published')) return 'published';
  if (live.every((s) => s === 'failed')) return 'failed';
  return 'partially_published';
}

/** Stores the status that follows from the post's deliveries; call it in the transaction that changed them. */
export async function refreshPostStatus(db: Kysely<Database>, postId: string): Promise<void> {
  const rows = await db.selectFrom('deliveries').select('status').where('post_id', '=', postId).execute();
  const status = summarise(rows.map((r) => r.status));
  await db.updateTable('posts').set({ status, updated_at: Date.now() }).where('id', '=', postId).where('status', '!=', status).execute();
}

/** Posts whose deliveries a worker has just claimed: shown as publishing while the platform is called. */
export async function markPostsPublishing(db: Kysely<Database>, postIds: string[]): Promise<void> {
  if (!postIds.length) return;
  await db.updateTable('posts').set({ status: 'publishing', updated_at: Date.now() }).where('id', 'in', [...new Set(postIds)]).where('status', '=', 'scheduled').execute();
}

function deliveryRows(postId: string, workspaceId: string, plan: PostPlan, now: number) {
  return plan.deliveries.map((d) => ({
    id: newId('dlv'),
    post_id: postId,
    workspace_id: workspaceId,
    account_id: d.account.id,
    platform: d.platform,
    status: 'scheduled' as const,
    payload: JSON.stringify(d.payload),
    scheduled_at: plan.scheduledAt + d.offsetMs,
    run_at: plan.scheduledAt + d.offsetMs,
    attempts: 0,
    attempt_pending: 0,
    adopted: 0,
    created_at: now,
    updated_at: now,
  }));
}

export interface NewPost {
  workspaceId: string;
  request: PostRequest;
  plan: PostPlan;
  idempotencyKey?: string;
  requestHash?: string;
}

async function insertPost(trx: Kysely<Database>, input: NewPost, now: number): Promise<string> {
  const id = newId('post');
  await trx
    .insertInto('posts')
    .values({
      id,
      workspace_id: input.workspaceId,
      status: 'scheduled',
      request: JSON.stringify(input.request),
      scheduled_at: input.plan.scheduledAt,
      timezone: input.request.timezone ?? null,
      idempotency_key: input.idempotencyKey ?? null,
      request_hash: input.requestHash ?? null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const rows = deliveryRows(id, input.workspaceId, input.plan, now);
  if (rows.length) await trx.insertInto('deliveries').values(rows).execute();
  return id;
}

/**
 * Stores a checked post and its deliveries in one transaction. With an idempotency key, the
 * same key and body return the post already made; the same key with another body is a conflict.
 */
export async function createPost(db: Kysely<Database>, input: NewPost): Promise<{ post: Post; replayed: boolean }> {
  if (input.idempotencyKey) {
    const prior = await findByIdempotencyKey(db, input.workspaceId, input.idempotencyKey);
    if (prior) return replay(db, prior, input.requestHash);
  }
  let id: string;
  try {
    id = await db.transaction().execute((trx) => insertPost(trx, input, Date.now()));
  } catch (err) {
    // Two requests with one key at once: the unique index lets one in; the other replays it.
    const prior = input.idempotencyKey && (await findByIdempotencyKey(db, input.workspaceId, input.idempotencyKey));
    if (prior) return replay(db, prior, input.requestHash);
    throw err;
  }
  return { post: (await getPost(db, input.workspaceId, id))!, replayed: false };
}

/** Stores many checked posts at once: all of them or, on any failure, none. */
export async function createPosts(db: Kysely<Database>, inputs: NewPost[]): Promise<Post[]> {
  const now = Date.now();
  const ids = await db.transaction().execute(async (trx) => {
    const out: string[] = [];
    for (const input of inputs) out.push(await insertPost(trx, input, now));
    return out;
  });
  const posts: Post[] = [];
  for (const [i, id] of ids.entries()) posts.push((await getPost(db, inputs[i]!.workspaceId, id))!);
  return posts;
}

async function replay(db: Kysely<Database>, prior: PostRow, requestHash: string | undefined) {
  if (prior.request_hash !== (requestHash ?? null)) throw new PostConflict('This Idempotency-Key was already used with a different request body');
  return { post: (await getPost(db, prior.workspace_id, prior.id))!, replayed: true };
}

const findByIdempotencyKey = (db: Kysely<Database>, workspaceId: string, key: string) =>
  db.selectFrom('posts').selectAll().where('workspace_id', '=', workspaceId).where('idempotency_key', '=', key).executeTakeFirst();

const toPost = (row: PostRow, deliveries: DeliveryRow[]): Post => ({
  id: row.id,
  workspaceId: row.workspace_id,
  status: row.status,
  request: JSON.parse(row.request) as PostRequest,
  scheduledAt: row.scheduled_at,
  timezone: row.timezone,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  deliveries,
  linkCheck: row.link_check === null || row.link_checked_at === null ? null : { checkedAt: Number(row.link_checked_at), links: JSON.parse(row.link_check) as LinkVerdict[] },
});

/**
 * A post and its deliveries are read in two statements; one snapshot for both (PostgreSQL
 * otherwise gives each statement its own) keeps the post's status in step with its deliveries'.
 * SQLite transactions are serializable already.
 */
const snapshot = <T>(db: Kysely<Database>, read: (trx: Kysely<Database>) => Promise<T>): Promise<T> =>
  db.isTransaction ? read(db) : db.transaction().setIsolationLevel('repeatable read').execute(read);

export async function getPost(db: Kysely<Database>, workspaceId: string, id: string): Promise<Post | undefined> {
  return snapshot(db, async (trx) => {
    const row = await trx.selectFrom('posts').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const deliveries = await trx.selectFrom('deliveries').selectAll().where('post_id', '=', id).orderBy('id').execute();
    return toPost(row, deliveries);
  });
}

export interface PostFilter {
  status?: PostStatus;
  platform?: string;
  from?: number;
  to?: number;
  cursor?: { scheduledAt: number; id: string };
  limit: number;
}

/** Posts in due order; the cursor is the last (scheduled_at, id) seen, so pages never skip or repeat. */
export async function listPosts(db: Kysely<Database>, workspaceId: string, f: PostFilter): Promise<{ posts: Post[]; next?: { scheduledAt: number; id: string } }> {
  return snapshot(db, (trx) => listPostsIn(trx, workspaceId, f));
}

async function listPostsIn(db: Kysely<Database>, workspaceId: string, f: PostFilter): Promise<{ posts: Post[]; next?: { scheduledAt: number; id: string } }> {
  let q = db.selectFrom('posts').selectAll().where('workspace_id', '=', workspaceId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.platform) q = q.where('id', 'in', db.selectFrom('deliveries').select('post_id').where('workspace_id', '=', workspaceId).where('platform', '=', f.platform));
  if (f.from !== undefined) q = q.where('scheduled_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('scheduled_at', '<', f.to);
  if (f.cursor) {
    const c = f.cursor;
    q = q.where((eb) => eb.or([eb('scheduled_at', '>', c.scheduledAt), eb.and([eb('scheduled_at', '=', c.scheduledAt), eb('id', '>', c.id)])]));
  }
  const rows = await q.orderBy('scheduled_at').orderBy('id').limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);
  const deliveries = page.length ? await db.selectFrom('deliveries').selectAll().where('post_id', 'in', page.map((r) => r.id)).orderBy('id').execute() : [];
  const posts = page.map((r) => toPost(r, deliveries.filter((d) => d.post_id === r.id)));
  const last = page[page.length - 1];
  return { posts, next: rows.length > f.limit && last ? { scheduledAt: last.scheduled_at, id: last.id } : undefined };
}

/**
 * Replaces a post's content and deliveries, only while none has started publishing. The
 * conditional delete is what decides a race with a worker's claim: whoever is first wins.
 */
export async function updatePost(db: Kysely<Database>, workspaceId: string, id: string, request: PostRequest, plan: PostPlan): Promise<Post> {
  await db.transaction().execute(async (trx) => {
    const total = await trx.selectFrom('deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('post_id', '=', id).executeTakeFirstOrThrow();
    const removed = await trx.deleteFrom('deliveries').where('post_id', '=', id).where('status', '=', 'scheduled').executeTakeFirst();
    if (Number(removed.numDeletedRows) !== Number(total.n)) throw new PostConflict('The post has already started publishing (or was cancelled) and can no longer be changed');
    const now = Date.now();
    await trx
      .updateTable('posts')
      .set({ request: JSON.stringify(request), scheduled_at: plan.scheduledAt, timezone: request.timezone ?? null, status: 'scheduled', updated_at: now, link_check: null, link_checked_at: null })
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .execute();
    const rows = deliveryRows(id, workspaceId, plan, now);
    if (rows.length) await trx.insertInto('deliveries').values(rows).execute();
  });
  return (await getPost(db, workspaceId, id))!;
}

/** Cancels every delivery not yet started; those already publishing or published go on. */
export async function cancelPost(db: Kysely<Database>, workspaceId: string, id: string): Promise<{ post: Post; cancelled: number }> {
  const cancelled = await db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('deliveries')
      .set({ status: 'cancelled', updated_at: Date.now() })
      .where('post_id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', 'scheduled')
      .executeTakeFirst();
    await refreshPostStatus(trx, id);
    return Number(result.numUpdatedRows);
  });
  return { post: (await getPost(db, workspaceId, id))!, cancelled };
}
