import type { Kysely } from 'kysely';
import { refreshPostStatus, type DeliveryRow } from '../posts/index.js';
import type { Database } from '../store/index.js';
import { emitEvent } from '../webhooks/index.js';

/**
 * The end states of a delivery. Each is one transaction: the delivery row, its post's status and
 * the webhook event change together, so a crash can never publish without telling, or tell twice.
 * Each update requires the delivery to still be publishing, so a late writer changes nothing.
 */
export async function markPublished(db: Kysely<Database>, d: DeliveryRow, result: { externalId: string; url: string; adopted: boolean }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const now = Date.now();
    const r = await trx
      .updateTable('deliveries')
      .set({ status: 'published', external_id: result.externalId, external_url: result.url, published_at: now, adopted: result.adopted ? 1 : 0, attempt_pending: 0, lease_owner: null, lease_until: null, last_error: null, last_error_kind: null, updated_at: now })
      .where('id', '=', d.id)
      .where('status', '=', 'publishing')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    await refreshPostStatus(trx, d.post_id);
    await emitEvent(trx, {
      workspaceId: d.workspace_id,
      type: 'post.published',
      data: { post_id: d.post_id, delivery_id: d.id, platform: d.platform, account_id: d.account_id, external_id: result.externalId, url: result.url, published_at: new Date(now).toISOString(), scheduled_at: new Date(d.scheduled_at).toISOString(), adopted: result.adopted },
    });
    return true;
  });
}

export async function markFailed(db: Kysely<Database>, d: DeliveryRow, error: { kind: string; message: string }, attempts: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const now = Date.now();
    const r = await trx
      .updateTable('deliveries')
      .set({ status: 'failed', last_error: error.message, last_error_kind: error.kind, attempt_pending: 0, lease_owner: null, lease_until: null, updated_at: now })
      .where('id', '=', d.id)
      .where('status', '=', 'publishing')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return;
    await refreshPostStatus(trx, d.post_id);
    await emitEvent(trx, {
      workspaceId: d.workspace_id,
      type: 'post.failed',
      data: { post_id: d.post_id, delivery_id: d.id, platform: d.platform, account_id: d.account_id, error: { kind: error.kind, message: error.message }, attempts },
    });
  });
}

/** Back to the queue until `runAt`, keeping (or clearing) the mark of an attempt whose outcome is unknown. */
export async function requeue(db: Kysely<Database>, d: DeliveryRow, owner: string, opts: { runAt: number; attemptPending: boolean; attempts?: number; error?: { kind: string; message: string } }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('deliveries')
      .set({
        status: 'scheduled',
        run_at: opts.runAt,
        attempt_pending: opts.attemptPending ? 1 : 0,
        ...(opts.attempts !== undefined && { attempts: opts.attempts }),
        ...(opts.error && { last_error: opts.error.message, last_error_kind: opts.error.kind }),
        lease_owner: null,
        lease_until: null,
        updated_at: Date.now(),
      })
      .where('id', '=', d.id)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'publishing')
      .executeTakeFirst();
    // The post showed publishing while the delivery was claimed; waiting again, it may be scheduled again.
    if (Number(r.numUpdatedRows) === 1) await refreshPostStatus(trx, d.post_id);
  });
}
