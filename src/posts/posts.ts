import type { Kysely } from 'kysely';
import { inGroupCommit, insertRows, newId, type Database } from '../store/index.js';
import { searchTextOf } from '../shared/index.js';
import { cancelWaitingDeliveries, DeliveryBusy, insertDeliveries, refreshPostStatus, replaceWaitingDeliveries, type DeliveryRow } from '../scheduler/index.js';
import type { PostPlan } from './plan.js';
import type { PostRequest } from './request.js';
import { getPost, snapshot, toPost, type Post, type PostRow } from './stored-post.js';
import { duplicateKey } from './duplicates.js';

export type { DeliveryRow };
export { getPost, snapshot, toPost, type Post };

/** The post cannot be changed or cancelled as asked; `retryAt` says when asking again may succeed, when known. */
export class PostConflict extends Error {
  constructor(
    message: string,
    readonly retryAt: number | null = null,
    /** In a batch, the post that conflicts. */
    readonly index?: number,
  ) {
    super(message);
    this.name = 'PostConflict';
  }
}

/** A delivery in flight, told as the post's conflict. */
export async function orConflict<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof DeliveryBusy) throw new PostConflict(err.message, err.retryAt);
    throw err;
  }
}

function deliveryRows(postId: string, workspaceId: string, plan: PostPlan, now: number) {
  return plan.deliveries.map((d) => ({
    id: newId('dlv'),
    post_id: postId,
    workspace_id: workspaceId,
    account_id: d.account.id,
    platform: d.platform,
    payload: JSON.stringify(d.payload),
    duplicate_key: duplicateKey(d.platform, d.payload),
    scheduled_at: plan.scheduledAt + d.offsetMs,
    run_at: plan.scheduledAt + d.offsetMs,
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

/** The request as stored: its campaign lives in its own column (so deleting a campaign need not rewrite requests). */
const storedRequest = ({ campaign_id: _, ...rest }: PostRequest) => rest;

/** A post's rows as they will be stored: the post, scheduled, and its deliveries. */
function newPostRows(input: NewPost, now: number) {
  const row: PostRow = {
    id: newId('post', now),
    workspace_id: input.workspaceId,
    status: 'scheduled',
    request: JSON.stringify(storedRequest(input.request)),
    campaign_id: input.request.campaign_id ?? null,
    search_text: searchTextOf(input.request),
    deleted_at: null,
    scheduled_at: input.plan.scheduledAt,
    timezone: input.request.timezone ?? null,
    idempotency_key: input.idempotencyKey ?? null,
    request_hash: input.requestHash ?? null,
    link_check: null,
    link_checked_at: null,
    // Checked by the background media preflight as soon as it can.
    media_check_next: 0,
    media_check_owner: null,
    media_check_until: null,
    media_checked_at: null,
    media_check: null,
    created_at: now,
    updated_at: now,
  };
  return { row, deliveries: deliveryRows(row.id, input.workspaceId, input.plan, now) };
}

/** Inserts a post and its deliveries; returns the post as stored, so nothing needs reading back. */
async function insertPost(trx: Kysely<Database>, input: NewPost, now: number): Promise<Post> {
  const { row, deliveries } = newPostRows(input, now);
  await insertRows(trx, 'posts', [row]);
  // The request as stored, without a JSON round trip: it is the parsed body, plain JSON values already.
  return toPost(row, (await insertDeliveries(trx, deliveries)).sort(byId), storedRequest(input.request));
}

/** Rows per INSERT when storing many posts: well inside SQLite's and PostgreSQL's limits on parameters per statement. */
const ROWS_PER_INSERT = 500;

/** Many posts in a few multi-row INSERTs (a CSV import stores 500 at a time). */
async function insertPostsAtOnce(trx: Kysely<Database>, inputs: NewPost[], now: number): Promise<Post[]> {
  const made = inputs.map((input) => newPostRows(input, now));
  for (let i = 0; i < made.length; i += ROWS_PER_INSERT) {
    await insertRows(
      trx,
      'posts',
      made.slice(i, i + ROWS_PER_INSERT).map((m) => m.row),
    );
  }
  const deliveries = made.flatMap((m) => m.deliveries);
  const stored: DeliveryRow[] = [];
  for (let i = 0; i < deliveries.length; i += ROWS_PER_INSERT) stored.push(...(await insertDeliveries(trx, deliveries.slice(i, i + ROWS_PER_INSERT))));
  const byPost = groupBy(stored, (d) => d.post_id);
  return made.map((m, i) => toPost(m.row, (byPost.get(m.row.id) ?? []).sort(byId), storedRequest(inputs[i]!.request)));
}

/** Map.groupBy, which Node 20 lacks. */
function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Stores a checked post and its deliveries, committed together with the other posts made at the
 * same moment (group commit, store/group-commit.ts): the answer comes after the commit. With an
 * idempotency key, the same key and body return the post already made; the same key with another
 * body is a conflict.
 */
export async function createPost(db: Kysely<Database>, input: NewPost): Promise<{ post: Post; replayed: boolean }> {
  if (input.idempotencyKey) {
    const prior = await findByIdempotencyKey(db, input.workspaceId, input.idempotencyKey);
    if (prior) return replay(db, prior, input.requestHash);
  }
  try {
    return { post: await inGroupCommit(db, (trx) => insertPost(trx, input, Date.now())), replayed: false };
  } catch (err) {
    // Two requests with one key at once: the unique index lets one in; the other replays it.
    const prior = input.idempotencyKey && (await findByIdempotencyKey(db, input.workspaceId, input.idempotencyKey));
    if (prior) return replay(db, prior, input.requestHash);
    throw err;
  }
}

/**
 * Stores many checked posts at once: all of them or, on any failure, none. A post with an idempotency
 * key already used is not stored again: the one made then is returned (`replayed`), or, when that key
 * came with another body, the whole batch is a conflict naming its index.
 */
export async function createPosts(db: Kysely<Database>, inputs: NewPost[]): Promise<{ posts: Post[]; replayed: boolean[] }> {
  const now = Date.now();
  const keyOf = (i: { workspaceId: string; idempotencyKey?: string }) => `${i.workspaceId}\n${i.idempotencyKey}`;
  const store = () =>
    db.transaction().execute(async (trx) => {
      // Every key of the batch looked up at once; a key given twice in one batch is one post, like a key sent again.
      const priors = await findByIdempotencyKeys(trx, inputs);
      const firstWith = new Map<string, number>();
      const out: Array<{ replayed: boolean; prior?: PostRow; sameAs?: number }> = [];
      const fresh: number[] = [];
      for (const [index, input] of inputs.entries()) {
        const prior = input.idempotencyKey ? priors.get(keyOf(input)) : undefined;
        const earlier = input.idempotencyKey ? firstWith.get(keyOf(input)) : undefined;
        const hash = prior ? prior.request_hash : earlier !== undefined ? (inputs[earlier]!.requestHash ?? null) : undefined;
        if (hash !== undefined && hash !== (input.requestHash ?? null))
          throw new PostConflict(`Post ${index}: its Idempotency-Key was already used with a different post`, null, index);
        if (prior) out.push({ replayed: true, prior });
        else if (earlier !== undefined) out.push({ replayed: true, sameAs: earlier });
        else {
          if (input.idempotencyKey) firstWith.set(keyOf(input), index);
          fresh.push(index);
          out.push({ replayed: false });
        }
      }
      const made = await insertPostsAtOnce(
        trx,
        fresh.map((i) => inputs[i]!),
        now,
      );
      const posts = new Map(fresh.map((i, n) => [i, made[n]!]));
      return out.map((o, i) => ({ replayed: o.replayed, prior: o.prior, post: posts.get(o.sameAs ?? i) }));
    });
  let stored: Array<{ replayed: boolean; prior?: PostRow; post?: Post }>;
  try {
    stored = await store();
  } catch (err) {
    // Two batches with the same keys at once: the unique index lets one in; the other, run again, replays it.
    if (err instanceof PostConflict || !inputs.some((i) => i.idempotencyKey)) throw err;
    stored = await store();
  }
  const posts: Post[] = [];
  for (const { post, prior } of stored) posts.push(post ?? (await getPost(db, prior!.workspace_id, prior!.id, { withDeleted: true }))!);
  return { posts, replayed: stored.map((s) => s.replayed) };
}

async function replay(db: Kysely<Database>, prior: PostRow, requestHash: string | undefined) {
  if (prior.request_hash !== (requestHash ?? null)) throw new PostConflict('This Idempotency-Key was already used with a different request body');
  // Deleted since, the post is still what this key made: the answer says so (deleted_at).
  return { post: (await getPost(db, prior.workspace_id, prior.id, { withDeleted: true }))!, replayed: true };
}

const findByIdempotencyKey = (db: Kysely<Database>, workspaceId: string, key: string) =>
  db.selectFrom('posts').selectAll().where('workspace_id', '=', workspaceId).where('idempotency_key', '=', key).executeTakeFirst();

/** The posts already stored under any of these inputs' idempotency keys, by workspace and key. */
async function findByIdempotencyKeys(db: Kysely<Database>, inputs: Array<{ workspaceId: string; idempotencyKey?: string }>): Promise<Map<string, PostRow>> {
  const found = new Map<string, PostRow>();
  const byWorkspace = groupBy(
    inputs.filter((i) => i.idempotencyKey),
    (i) => i.workspaceId,
  );
  for (const [workspaceId, keyed] of byWorkspace) {
    const keys = [...new Set(keyed.map((i) => i.idempotencyKey!))];
    for (let i = 0; i < keys.length; i += ROWS_PER_INSERT) {
      const rows = await db
        .selectFrom('posts')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('idempotency_key', 'in', keys.slice(i, i + ROWS_PER_INSERT))
        .execute();
      for (const row of rows) found.set(`${workspaceId}\n${row.idempotency_key}`, row);
    }
  }
  return found;
}

/** An edited post's media is checked again by the preflight, as soon as it can; a check under way for the old media is dropped. */
const MEDIA_CHECK_AFRESH = { media_check_next: 0, media_check_owner: null, media_check_until: null, media_checked_at: null, media_check: null };

/**
 * Replaces a post's content and deliveries, only while none has started publishing and no
 * attempt's result is being looked for: an edit then could publish the post a second time. The
 * guarded delete decides a race with a worker's claim: whoever is first wins.
 */
export async function updatePost(db: Kysely<Database>, workspaceId: string, id: string, request: PostRequest, plan: PostPlan): Promise<Post> {
  await orConflict(
    db.transaction().execute(async (trx) => {
      const now = Date.now();
      const replaced = await replaceWaitingDeliveries(trx, id, deliveryRows(id, workspaceId, plan, now));
      if (!replaced) throw new PostConflict('The post has already been published, failed or was cancelled, and can no longer be changed');
      await trx
        .updateTable('posts')
        .set({
          request: JSON.stringify(storedRequest(request)),
          search_text: searchTextOf(request),
          // Absent: the post stays in its campaign; null: in none.
          ...(request.campaign_id !== undefined && { campaign_id: request.campaign_id }),
          scheduled_at: plan.scheduledAt,
          timezone: request.timezone ?? null,
          status: 'scheduled',
          updated_at: now,
          link_check: null,
          link_checked_at: null,
          ...MEDIA_CHECK_AFRESH,
        })
        .where('id', '=', id)
        .where('workspace_id', '=', workspaceId)
        .execute();
    }),
  );
  return (await getPost(db, workspaceId, id))!;
}

/**
 * Cancels every delivery not yet started. While one is being published or its outcome checked,
 * nothing is cancelled (PostConflict with when to retry); finished deliveries stay as they are.
 */
export async function cancelPost(db: Kysely<Database>, workspaceId: string, id: string): Promise<{ post: Post; cancelled: number }> {
  const cancelled = await orConflict(
    db.transaction().execute(async (trx) => {
      const post = await trx
        .selectFrom('posts')
        .select('id')
        .where('id', '=', id)
        .where('workspace_id', '=', workspaceId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (!post) return 0;
      const now = Date.now();
      const n = await cancelWaitingDeliveries(trx, id, now);
      await refreshPostStatus(trx, id, now);
      return n;
    }),
  );
  return { post: (await getPost(db, workspaceId, id))!, cancelled };
}
