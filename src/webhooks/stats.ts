import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

/** Webhook deliveries by outcome, as /metrics reports them. */
export async function webhookStats(db: Kysely<Database>): Promise<Array<{ outcome: string; count: number }>> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  return rows.map((r) => ({ outcome: r.status, count: Number(r.n) }));
}
