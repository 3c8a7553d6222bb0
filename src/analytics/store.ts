import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

export interface MetricsReading {
  deliveryId: string;
  checkpoint: string;
  platform: string;
  metrics: Record<string, number>;
  readAt: number;
}

/** Stores one reading; a checkpoint read again (on request) replaces the earlier one. */
export async function saveReading(db: Kysely<Database>, workspaceId: string, r: MetricsReading): Promise<void> {
  const values = { metrics: JSON.stringify(r.metrics), read_at: r.readAt };
  await db
    .insertInto('delivery_metrics')
    .values({ delivery_id: r.deliveryId, checkpoint: r.checkpoint, workspace_id: workspaceId, platform: r.platform, ...values })
    .onConflict((oc) => oc.columns(['delivery_id', 'checkpoint']).doUpdateSet(values))
    .execute();
}

const toReading = (row: { delivery_id: string; checkpoint: string; platform: string; metrics: string; read_at: number }): MetricsReading => ({
  deliveryId: row.delivery_id,
  checkpoint: row.checkpoint,
  platform: row.platform,
  metrics: JSON.parse(row.metrics) as Record<string, number>,
  readAt: Number(row.read_at),
});

export async function readingsOf(db: Kysely<Database>, deliveryIds: string[]): Promise<MetricsReading[]> {
  if (!deliveryIds.length) return [];
  const rows = await db.selectFrom('delivery_metrics').selectAll().where('delivery_id', 'in', deliveryIds).orderBy('read_at').execute();
  return rows.map(toReading);
}

/**
 * The workspace's published deliveries in a time range (by publishing time) with their latest
 * reading, and totals per metric over them.
 */
export async function metricsReport(db: Kysely<Database>, workspaceId: string, f: { platform?: string; from?: number; to?: number }) {
  let q = db
    .selectFrom('deliveries')
    .select(['id', 'post_id', 'platform', 'account_id', 'external_id', 'external_url', 'published_at'])
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'published')
    // Always true of a published delivery; named so the index of published deliveries (partial on it) is used.
    .where('published_at', 'is not', null);
  if (f.platform) q = q.where('platform', '=', f.platform);
  if (f.from !== undefined) q = q.where('published_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('published_at', '<', f.to);
  const deliveries = await q.orderBy('published_at').orderBy('id').limit(1000).execute();
  const readings = await readingsOf(
    db,
    deliveries.map((d) => d.id),
  );
  const totals: Record<string, number> = {};
  const items = deliveries.map((d) => {
    const mine = readings.filter((r) => r.deliveryId === d.id);
    const latest = mine.at(-1);
    for (const [k, v] of Object.entries(latest?.metrics ?? {})) totals[k] = (totals[k] ?? 0) + v;
    return { delivery: d, readings: mine, latest };
  });
  return { items, totals };
}
