import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

type Counts = Record<string, number>;

/** What a workspace's posts did over a period: posts and deliveries by status (and platform), and the metrics read back. */
export interface Summary {
  posts: { total: number; byStatus: Counts };
  deliveries: Array<{ platform: string; total: number; byStatus: Counts }>;
  /** Totals of each delivery's latest reading, per platform and over all, for deliveries published in the period. */
  metrics: { totals: Counts; byPlatform: Record<string, Counts>; deliveriesRead: number };
}

const add = (into: Counts, from: Counts) => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
};

/**
 * Posts and their deliveries due in [from, to) (their scheduled time), and the metrics of deliveries
 * published in [from, to). Either end may be open.
 */
export async function analyticsSummary(db: Kysely<Database>, workspaceId: string, range: { from?: number; to?: number }): Promise<Summary> {
  let posts = db
    .selectFrom('posts')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId);
  if (range.from !== undefined) posts = posts.where('scheduled_at', '>=', range.from);
  if (range.to !== undefined) posts = posts.where('scheduled_at', '<', range.to);
  const byStatus: Counts = {};
  for (const r of await posts.groupBy('status').execute()) byStatus[r.status] = Number(r.n);

  let deliveries = db
    .selectFrom('deliveries')
    .select(['platform', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId);
  if (range.from !== undefined) deliveries = deliveries.where('scheduled_at', '>=', range.from);
  if (range.to !== undefined) deliveries = deliveries.where('scheduled_at', '<', range.to);
  const perPlatform = new Map<string, { platform: string; total: number; byStatus: Counts }>();
  for (const r of await deliveries.groupBy(['platform', 'status']).orderBy('platform').execute()) {
    const entry = perPlatform.get(r.platform) ?? perPlatform.set(r.platform, { platform: r.platform, total: 0, byStatus: {} }).get(r.platform)!;
    entry.byStatus[r.status] = Number(r.n);
    entry.total += Number(r.n);
  }

  let readings = db
    .selectFrom('delivery_metrics')
    .innerJoin('deliveries', 'deliveries.id', 'delivery_metrics.delivery_id')
    .select(['delivery_metrics.delivery_id', 'delivery_metrics.platform', 'delivery_metrics.metrics'])
    .where('deliveries.workspace_id', '=', workspaceId)
    .where('deliveries.status', '=', 'published')
    // Always true of a published delivery; named so the index of published deliveries (partial on it) is used.
    .where('deliveries.published_at', 'is not', null);
  if (range.from !== undefined) readings = readings.where('deliveries.published_at', '>=', range.from);
  if (range.to !== undefined) readings = readings.where('deliveries.published_at', '<', range.to);
  // In reading order, so the last one kept per delivery is its latest.
  const latest = new Map<string, { platform: string; metrics: Counts }>();
  for (const r of await readings.orderBy('delivery_metrics.read_at').execute())
    latest.set(r.delivery_id, { platform: r.platform, metrics: JSON.parse(r.metrics) as Counts });
  const totals: Counts = {};
  const byPlatform: Record<string, Counts> = {};
  for (const { platform, metrics } of latest.values()) {
    add(totals, metrics);
    add((byPlatform[platform] ??= {}), metrics);
  }
  return {
    posts: { total: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus },
    deliveries: [...perPlatform.values()],
    metrics: { totals, byPlatform, deliveriesRead: latest.size },
  };
}
