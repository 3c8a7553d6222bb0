import { quotaUnits } from '../budgets/index.js';
import { connectorFor, type Publisher } from '../connectors/index.js';
import { cancelWaitingDeliveries, recordUnpublished, refreshPostStatus, type DeliveryRow } from '../scheduler/index.js';
import { getPost, orConflict, type Post } from './posts.js';
import { NotFound, type PostsCaller } from './errors.js';

/**
 * What deleting a post did to one delivery: `cancelled` (had not started), `kept` (published; stays on
 * the platform), `unpublished` (deleted from the platform now), `already_unpublished`,
 * `not_supported` (the platform offers no way to delete it through its API), `unpublish_failed`
 * (the platform refused or failed: send the DELETE again), `unchanged` (failed or cancelled before).
 */
export type DeletionResult = 'cancelled' | 'kept' | 'unpublished' | 'already_unpublished' | 'not_supported' | 'unpublish_failed' | 'unchanged';

export interface DeliveryDeletion {
  deliveryId: string;
  platform: string;
  accountId: string;
  result: DeletionResult;
  message: string;
}

const nameOf = (platform: string) => connectorFor(platform).facts.name;

function kept(d: DeliveryRow, unpublish: boolean): DeliveryDeletion | undefined {
  const base = { deliveryId: d.id, platform: d.platform, accountId: d.account_id };
  if (d.status === 'published' && d.unpublished_at !== null)
    return { ...base, result: 'already_unpublished', message: `Deleted from ${nameOf(d.platform)} at ${new Date(d.unpublished_at).toISOString()}` };
  if (d.status === 'published' && !unpublish)
    return { ...base, result: 'kept', message: `Stays on ${nameOf(d.platform)}; delete with ?unpublish=true to remove it there too` };
  if (d.status === 'needs_attention')
    return {
      ...base,
      result: 'unchanged',
      message: `May have been published on ${nameOf(d.platform)} (Pinion could not find out): check there and delete it by hand if it is`,
    };
  if (d.status !== 'published') return { ...base, result: 'unchanged', message: `Was ${d.status}; nothing to do` };
  return undefined;
}

/** Deletes one published delivery's post from its platform, where the platform allows it; never throws. */
async function unpublishOne(caller: PostsCaller, publisher: Publisher | undefined, d: DeliveryRow): Promise<DeliveryDeletion> {
  const base = { deliveryId: d.id, platform: d.platform, accountId: d.account_id };
  const name = nameOf(d.platform);
  if (!publisher?.remove || d.external_id === null) {
    return {
      ...base,
      result: 'not_supported',
      message: `${name} does not allow deleting posts through its API (or Pinion cannot do it there yet): delete it on ${name} by hand`,
    };
  }
  const db = caller.deps.db;
  try {
    await publisher.remove({
      externalId: d.external_id,
      withToken: (call) => caller.deps.accounts.tokens.withAccessToken(d.account_id, call),
      units: quotaUnits(db),
    });
  } catch (err) {
    return { ...base, result: 'unpublish_failed', message: `${name} did not delete it: ${(err as Error).message}. Send the DELETE again to retry` };
  }
  await recordUnpublished(db, d.id, Date.now());
  return { ...base, result: 'unpublished', message: `Deleted from ${name}` };
}

/**
 * Deletes a post: cancels its deliveries that have not started and takes it out of listings and
 * lookups (a soft delete: its deliveries keep their history, its idempotency key stays used). While
 * a delivery is being published or its outcome checked, nothing is done (PostConflict with when to
 * retry), as for cancel. Published deliveries stay on their platforms unless `unpublish`: then each is
 * deleted there where the platform's API allows it; each delivery's result is told, and none fails
 * the call. Sending it again for a deleted post retries the removals that did not happen.
 */
export async function deletePost(
  caller: PostsCaller,
  postId: string,
  opts: { unpublish?: boolean } = {},
): Promise<{ post: Post; deliveries: DeliveryDeletion[] }> {
  const db = caller.deps.db;
  const before = await getPost(db, caller.workspaceId, postId, { withDeleted: true });
  if (!before) throw new NotFound('Post');
  const cancelled = new Set<string>();
  if (before.deletedAt === null) {
    await orConflict(
      db.transaction().execute(async (trx) => {
        const now = Date.now();
        const waiting = await trx.selectFrom('deliveries').select('id').where('post_id', '=', postId).where('status', '=', 'scheduled').execute();
        await cancelWaitingDeliveries(trx, postId, now);
        for (const w of waiting) cancelled.add(w.id);
        await refreshPostStatus(trx, postId, now);
        await trx.updateTable('posts').set({ deleted_at: now, updated_at: now }).where('id', '=', postId).where('deleted_at', 'is', null).execute();
      }),
    );
  }
  const post = (await getPost(db, caller.workspaceId, postId, { withDeleted: true }))!;
  const results: DeliveryDeletion[] = [];
  for (const d of post.deliveries) {
    if (cancelled.has(d.id))
      results.push({ deliveryId: d.id, platform: d.platform, accountId: d.account_id, result: 'cancelled', message: 'Had not started; cancelled' });
    else results.push(kept(d, opts.unpublish ?? false) ?? (await unpublishOne(caller, caller.deps.publisherFor?.(d.platform), d)));
  }
  return { post: (await getPost(db, caller.workspaceId, postId, { withDeleted: true }))!, deliveries: results };
}
