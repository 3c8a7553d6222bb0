import type { Kysely } from 'kysely';
import type { Logger } from '../observability/index.js';
import { systemClock, type BackgroundPass, type Clock } from '../shared/index.js';
import type { Database } from '../store/index.js';

const BATCH = 500;

/**
 * Forgets webhook events older than the retention period, with their deliveries and attempt log
 * (by cascade), so the outbox does not grow forever. An event with a delivery still pending is
 * kept until that delivery ends. Batches keep each delete short, so senders are not held up.
 */
export function pruneWebhookLogPass(opts: { db: Kysely<Database>; log: Logger; retentionDays: number; clock?: Clock }): BackgroundPass {
  const { db, log } = opts;
  const clock = opts.clock ?? systemClock;
  return {
    name: 'prune-webhook-log',
    idleIntervalMs: 3600_000,
    async run() {
      const cutoff = clock.now() - opts.retentionDays * 86_400_000;
      const old = await db
        .selectFrom('webhook_events as e')
        .select('e.id')
        .where('e.created_at', '<', cutoff)
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('webhook_deliveries as d').select('d.id').whereRef('d.event_id', '=', 'e.id').where('d.status', '=', 'pending'))),
        )
        .limit(BATCH)
        .execute();
      if (!old.length) return false;
      await db
        .deleteFrom('webhook_events')
        .where(
          'id',
          'in',
          old.map((e) => e.id),
        )
        .execute();
      log.info({ count: old.length, retentionDays: opts.retentionDays }, 'pruned old webhook events and their delivery log');
      return old.length === BATCH;
    },
  };
}
