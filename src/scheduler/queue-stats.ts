import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

export interface QueueStats {
  /** Deliveries by platform and status. */
  byStatus: Array<{ platform: string; status: string; count: number }>;
  /** Deliveries waiting to publish whose time has come, by platform, with the oldest one's due time. */
  due: Array<{ platform: string; count: number; oldestDueAt: number }>;
  /** Deliveries whose last attempt a platform answered with an error, by platform and kind (retrying or failed). */
  errors: Array<{ platform: string; kind: string; count: number }>;
}

/**
 * The publishing queue as the database holds it, shared by every worker: what /metrics reports, so the
 * numbers are the same whichever process is scraped.
 */
export async function queueStats(db: Kysely<Database>, now: number): Promise<QueueStats> {
  const byStatus = await db
    .selectFrom('deliveries')
    .select(['platform', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['platform', 'status'])
    .execute();
  const due = await db
    .selectFrom('deliveries')
    .select(['platform', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min<number>('run_at').as('oldest')])
    // What a worker picks up: new work and looks owed for unanswered attempts, once their time has come.
    .where('status', 'in', ['scheduled', 'awaiting_check'])
    .where('run_at', '<=', now)
    .groupBy('platform')
    .execute();
  const errors = await db
    .selectFrom('deliveries')
    .select(['platform', 'last_error_kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('last_error_kind', 'is not', null)
    .groupBy(['platform', 'last_error_kind'])
    .execute();
  return {
    byStatus: byStatus.map((r) => ({ platform: r.platform, status: r.status, count: Number(r.n) })),
    due: due.map((r) => ({ platform: r.platform, count: Number(r.n), oldestDueAt: Number(r.oldest) })),
    errors: errors.map((r) => ({ platform: r.platform, kind: r.last_error_kind!, count: Number(r.n) })),
  };
}
