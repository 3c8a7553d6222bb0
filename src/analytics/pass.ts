import type { Kysely } from 'kysely';
import type { Accounts } from '../accounts/index.js';
import { budgetCategory, reserveSlot } from '../budgets/index.js';
import { CONNECTORS, connectorFor, isConnectorError } from '../connectors/index.js';
import type { BackgroundPass, Clock } from '../shared/index.js';
import type { Database } from '../store/index.js';
import { saveReading } from './store.js';

const DAY_MS = 86_400_000;
const GIVE_UP_DAYS = 14;

export interface AnalyticsDeps {
  db: Kysely<Database>;
  accounts: Accounts;
  clock: Clock;
  log: { warn(obj: object, msg: string): void };
  /** Reads per run, so one pass never spends much of any account's budget. */
  readsPerPass: number;
  idleIntervalMs: number;
}

type Due = { id: string; workspace_id: string; account_id: string; platform: string; external_id: string | null; published_at: number | null };

/** Reads one delivery's metrics now and stores them under `checkpoint`; false when the read budget says later. */
export async function readMetrics(deps: Pick<AnalyticsDeps, 'db' | 'accounts' | 'clock'>, d: Due, checkpoint: string): Promise<boolean> {
  const connector = connectorFor(d.platform);
  const analytics = connector.analytics;
  if (!analytics || !d.external_id || d.published_at === null) return false;
  const account = await deps.db.selectFrom('accounts').selectAll().where('id', '=', d.account_id).executeTakeFirst();
  if (!account || account.status !== 'active') return false;
  const now = deps.clock.now();
  const b = analytics.readBudget;
  const slot = await reserveSlot(
    deps.db,
    account.id,
    budgetCategory(d.platform, b.category),
    { limit: b.limit, windowMs: b.windowSeconds * 1000, perDay: 0 },
    now,
  );
  if (!slot.ok) return false;
  const ctx = deps.accounts.context({
    id: account.id,
    platform: account.platform,
    username: account.username,
    externalId: account.external_id,
    accountType: account.account_type,
  });
  const metrics = await analytics.read(ctx, d.external_id, { from: Number(d.published_at), until: now });
  await saveReading(deps.db, d.workspace_id, { deliveryId: d.id, checkpoint, platform: d.platform, metrics, readAt: now });
  return true;
}

/**
 * Reads each published post's metrics at the platform's checkpoints (1, 7, 30 days after
 * publishing): a checkpoint is due once its day has come and it has no reading yet. Oldest first,
 * a few per run, each within the account's read budget.
 */
export function analyticsPass(deps: AnalyticsDeps): BackgroundPass {
  return {
    name: 'read-analytics',
    idleIntervalMs: deps.idleIntervalMs,
    async run() {
      const now = deps.clock.now();
      let reads = 0;
      for (const c of CONNECTORS) {
        if (!c.analytics) continue;
        for (const days of [...c.analytics.checkpointDays].sort((a, b) => b - a)) {
          const checkpoint = `${days}d`;
          const due = await deps.db
            .selectFrom('deliveries')
            .select(['id', 'workspace_id', 'account_id', 'platform', 'external_id', 'published_at'])
            .where('status', '=', 'published')
            .where('platform', '=', c.facts.id)
            .where('external_id', 'is not', null)
            // Deleted from the platform (DELETE /posts/:id?unpublish=true): nothing left to read.
            .where('unpublished_at', 'is', null)
            .where('published_at', '<=', now - days * DAY_MS)
            // A checkpoint that cannot be read (pin deleted, account gone) is given up after two weeks of tries.
            .where('published_at', '>', now - (days + GIVE_UP_DAYS) * DAY_MS)
            .where(({ exists, selectFrom }) =>
              exists(selectFrom('accounts').select('id').whereRef('accounts.id', '=', 'deliveries.account_id').where('accounts.status', '=', 'active')),
            )
            .where(({ not, exists, selectFrom }) =>
              not(
                exists(
                  selectFrom('delivery_metrics')
                    .select('delivery_id')
                    .whereRef('delivery_metrics.delivery_id', '=', 'deliveries.id')
                    .where('delivery_metrics.checkpoint', '=', checkpoint),
                ),
              ),
            )
            .orderBy('published_at')
            .limit(deps.readsPerPass - reads)
            .execute();
          for (const d of due) {
            try {
              if (await readMetrics(deps, d, checkpoint)) reads++;
            } catch (err) {
              // A pin deleted on the platform, a revoked grant: logged, tried again on a later pass.
              deps.log.warn({ err: isConnectorError(err) ? err.message : err, deliveryId: d.id, checkpoint }, 'could not read metrics');
            }
          }
          if (reads >= deps.readsPerPass) return true;
        }
      }
      return false;
    },
  };
}
