import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import { MEDIA_PROBLEM, refreshPostStatus, retryFailedDelivery, type DeliveryRow, type DeliveryStatus } from '../scheduler/index.js';
import { getPost, PostConflict, type Post } from './posts.js';
import { InvalidRequest, NotFound, StateConflict, type PostsCaller } from './errors.js';

/** Why a delivery in this state is not retried: said to the person who asked. */
const NOT_RETRIED: Record<Exclude<DeliveryStatus, 'failed'>, string> = {
  scheduled: 'is waiting to be published already',
  publishing: 'is being published right now',
  awaiting_check:
    'got no answer to its last attempt: Pinion is still looking on the platform for what that attempt made, and publishing again now could publish it twice',
  needs_attention:
    'may have been published: Pinion could not find out, so it never publishes it again; check the platform, and make a new post if it is not there',
  published: 'is published already',
  cancelled: 'was cancelled',
};
/** Set aside by the media preflight before any attempt: nothing was published, and an edit (not a retry) brings it back. */
const SET_ASIDE_FOR_MEDIA = 'was set aside before any attempt because of its media: change the media (PATCH the post) to put it back on schedule';
const whyNot = (d: DeliveryRow) =>
  `Delivery ${d.id} to ${d.platform} ${d.status === 'needs_attention' && d.last_error_kind === MEDIA_PROBLEM ? SET_ASIDE_FOR_MEDIA : NOT_RETRIED[d.status as Exclude<DeliveryStatus, 'failed'>]}`;

export interface RetryOptions {
  /** Only these deliveries of the post (each must have failed). */
  deliveryIds?: string[];
  /** Only the failed deliveries to these platforms. */
  platforms?: string[];
  /** When to publish them (epoch ms); now when absent. */
  at?: number;
}

/** The deliveries a retry takes, or why none (InvalidRequest for names that are not the post's, PostConflict for states). */
function chooseDeliveries(deliveries: DeliveryRow[], opts: RetryOptions): DeliveryRow[] {
  const issues = [
    ...(opts.deliveryIds ?? []).flatMap((id, i) =>
      deliveries.some((d) => d.id === id) ? [] : [{ field: `delivery_ids.${i}`, message: 'is not a delivery of this post' }],
    ),
    ...(opts.platforms ?? []).flatMap((p, i) =>
      deliveries.some((d) => d.platform === p) ? [] : [{ field: `platforms.${i}`, message: `the post has no delivery to ${p}` }],
    ),
  ];
  if (issues.length) throw new InvalidRequest(issues, 'The retry names deliveries or platforms this post does not have');
  const named = deliveries.filter((d) => (!opts.deliveryIds || opts.deliveryIds.includes(d.id)) && (!opts.platforms || opts.platforms.includes(d.platform)));
  if (opts.deliveryIds) {
    const refused = named.filter((d) => d.status !== 'failed');
    if (refused.length) throw new StateConflict(`Only failed deliveries are retried; nothing was retried. ${refused.map(whyNot).join('. ')}.`, 'not-retriable');
  }
  const failed = named.filter((d) => d.status === 'failed');
  if (!failed.length)
    throw new StateConflict(
      `Nothing to retry: no delivery ${opts.platforms ? 'to those platforms ' : ''}has failed. ${named.map(whyNot).join('. ')}.`,
      'not-retriable',
    );
  return failed;
}

/** Retries the given deliveries of one post in one transaction, and brings the post's status along. */
async function retryDeliveries(db: Kysely<Database>, postId: string, targets: DeliveryRow[], at: number, actor: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const d of targets) {
      if (!(await retryFailedDelivery(trx, d, { runAt: at, by: actor, now }))) {
        throw new StateConflict(`Delivery ${d.id} changed while it was being retried (retried by someone else?); look at the post again`, 'not-retriable');
      }
    }
    await refreshPostStatus(trx, postId, now);
  });
}

/**
 * Sends a post's failed deliveries back to the queue, due `at` (now by default), with a fresh count
 * of attempts; records who asked and when on each. Only `failed` ones: a delivery whose outcome is
 * unknown (awaiting_check, needs_attention) may be on the platform already, and is never retried.
 * Throws NotFound, InvalidRequest (names not the post's) or PostConflict (nothing retriable, saying why).
 */
export async function retryPost(caller: PostsCaller, postId: string, opts: RetryOptions = {}): Promise<{ post: Post; retried: string[] }> {
  const db = caller.deps.db;
  const post = await getPost(db, caller.workspaceId, postId);
  if (!post) throw new NotFound('Post');
  const targets = chooseDeliveries(post.deliveries, opts);
  const now = Date.now();
  await retryDeliveries(db, post.id, targets, opts.at ?? now, caller.actor, now);
  return { post: (await getPost(db, caller.workspaceId, post.id))!, retried: targets.map((d) => d.id) };
}

export interface RetryFailedFilter {
  platform?: string;
  accountId?: string;
  campaignId?: string;
  /** Deliveries that failed at or after this time (epoch ms)… */
  failedSince?: number;
  /** …and before this one. */
  failedUntil?: number;
  /** At most this many posts, those that failed first first. */
  limit: number;
  /** Count what would be retried; change nothing. */
  dryRun?: boolean;
  at?: number;
}

/**
 * Retries the failed deliveries matching the filter, across posts (not deleted): the posts whose
 * first matching failure is oldest first, up to `limit`. Each post is retried in its own transaction;
 * one changed meanwhile is left out. With `dryRun`, the same answer without changing anything.
 */
export async function retryFailedPosts(caller: PostsCaller, f: RetryFailedFilter): Promise<{ postIds: string[]; deliveryIds: string[]; dryRun: boolean }> {
  const db = caller.deps.db;
  const matching = () => {
    let q = db
      .selectFrom('deliveries')
      .innerJoin('posts', 'posts.id', 'deliveries.post_id')
      .where('deliveries.workspace_id', '=', caller.workspaceId)
      .where('posts.workspace_id', '=', caller.workspaceId)
      .where('deliveries.status', '=', 'failed')
      .where('posts.deleted_at', 'is', null);
    if (f.platform) q = q.where('deliveries.platform', '=', f.platform);
    if (f.accountId) q = q.where('deliveries.account_id', '=', f.accountId);
    if (f.campaignId) q = q.where('posts.campaign_id', '=', f.campaignId);
    if (f.failedSince !== undefined) q = q.where('deliveries.updated_at', '>=', f.failedSince);
    if (f.failedUntil !== undefined) q = q.where('deliveries.updated_at', '<', f.failedUntil);
    return q;
  };
  const posts = await matching()
    .select(['deliveries.post_id', (eb) => eb.fn.min('deliveries.updated_at').as('first_failed')])
    .groupBy('deliveries.post_id')
    .orderBy('first_failed')
    .orderBy('deliveries.post_id')
    .limit(f.limit)
    .execute();
  if (!posts.length) return { postIds: [], deliveryIds: [], dryRun: f.dryRun ?? false };
  const rows = await matching()
    .selectAll('deliveries')
    .where(
      'deliveries.post_id',
      'in',
      posts.map((p) => p.post_id),
    )
    .orderBy('deliveries.id')
    .execute();
  const postIds: string[] = [];
  const deliveryIds: string[] = [];
  const now = Date.now();
  for (const { post_id } of posts) {
    const targets = rows.filter((d) => d.post_id === post_id);
    if (!f.dryRun) {
      try {
        await retryDeliveries(db, post_id, targets, f.at ?? now, caller.actor, now);
      } catch (err) {
        if (err instanceof PostConflict) continue;
        throw err;
      }
    }
    postIds.push(post_id);
    deliveryIds.push(...targets.map((d) => d.id));
  }
  return { postIds, deliveryIds, dryRun: f.dryRun ?? false };
}
