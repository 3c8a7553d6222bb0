import type { Kysely } from 'kysely';
import type { Database, Dialect } from '../store/index.js';
import type { DeliveryRow } from '../posts/index.js';

/**
 * Claims up to `limit` deliveries for this worker: first those whose worker died mid-publish
 * (lease run out), then those due. Each claim is one statement: atomic on SQLite, and on
 * PostgreSQL the candidate rows are locked with SKIP LOCKED so concurrent workers take
 * different rows instead of queueing on the same ones. The candidates are a MATERIALIZED CTE:
 * as a plain `IN (SELECT … LIMIT n)` PostgreSQL may re-run the subquery and claim more than n.
 * PostgreSQL re-checks the status in the UPDATE (another worker may have changed the row since
 * it was picked). SQLite does not need to, being one writer running one statement, and must not:
 * without statistics its planner then walks the status index over every scheduled row
 * (300 ms a claim at a million rows) instead of looking the picked ids up.
 */
export async function claimDeliveries(db: Kysely<Database>, dialect: Dialect, opts: { owner: string; leaseMs: number; limit: number; now?: number }): Promise<DeliveryRow[]> {
  const now = opts.now ?? Date.now();
  const lease = { status: 'publishing' as const, lease_owner: opts.owner, lease_until: now + opts.leaseMs, updated_at: now };

  const reclaimed = await db
    .with(
      (cte) => cte('picked').materialized(),
      (qb) => {
        const q = qb.selectFrom('deliveries').select('id').where('status', '=', 'publishing').where('lease_until', '<', now).orderBy('lease_until').limit(opts.limit);
        return dialect === 'postgres' ? q.forUpdate().skipLocked() : q;
      },
    )
    .updateTable('deliveries')
    .set(lease)
    .where('id', 'in', (eb) => eb.selectFrom('picked').select('picked.id'))
    .$if(dialect === 'postgres', (qb) => qb.where('status', '=', 'publishing').where('lease_until', '<', now))
    .returningAll()
    .execute();

  const room = opts.limit - reclaimed.length;
  if (room <= 0) return reclaimed;
  const claimed = await db
    .with(
      (cte) => cte('picked').materialized(),
      (qb) => {
        const q = qb.selectFrom('deliveries').select('id').where('status', '=', 'scheduled').where('run_at', '<=', now).orderBy('run_at').limit(room);
        return dialect === 'postgres' ? q.forUpdate().skipLocked() : q;
      },
    )
    .updateTable('deliveries')
    .set(lease)
    .where('id', 'in', (eb) => eb.selectFrom('picked').select('picked.id'))
    .$if(dialect === 'postgres', (qb) => qb.where('status', '=', 'scheduled'))
    .returningAll()
    .execute();
  return [...reclaimed, ...claimed];
}

/** Keeps the lease of a delivery this worker is still working on. False when it was lost. */
export async function renewLease(db: Kysely<Database>, id: string, owner: string, leaseMs: number): Promise<boolean> {
  const r = await db
    .updateTable('deliveries')
    .set({ lease_until: Date.now() + leaseMs })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'publishing')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
