import { Migrator, type Migration, type MigrationResult } from 'kysely';
import type { Store } from '../open.js';
import * as m0001 from './0001_workspaces_and_keys.js';
import * as m0002 from './0002_accounts.js';
import * as m0003 from './0003_posts.js';
import * as m0004 from './0004_webhooks.js';
import * as m0005 from './0005_media.js';
import * as m0006 from './0006_webhook_overlap_and_retention.js';
import * as m0007 from './0007_connectors.js';
import * as m0008 from './0008_delivery_states.js';
import * as m0009a from './0009_account_expiry_warning.js';
import * as m0009b from './0009_quota_units.js';
import * as m0010a from './0010_webhook_format.js';
import * as m0010b from './0010_queues_and_metrics.js';
import * as m0011compatA from './0011_compat_account_health.js';
import * as m0011compatB from './0011_compat_ids.js';
import * as m0011a from './0011_dash_account_zone.js';
import * as m0011b from './0011_dash_web_sessions.js';
import * as m0011retry from './0011_retry_campaigns.js';
import * as m0011preflight from './0011_preflight_media_check.js';
import * as m0011ingest from './0011_ingest_duplicate_key.js';
import * as m0012keyless from './0012_deliveries_without_key.js';
import * as m0012scheduler from './0012_scheduler_hot_paths.js';
import * as m0013partial from './0013_partial_indexes.js';
import * as m0013followUps from './0013_published_follow_ups.js';

/** In code rather than read from a folder, so the built CLI and the tests see the same list. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_workspaces_and_keys': m0001,
  '0002_accounts': m0002,
  '0003_posts': m0003,
  '0004_webhooks': m0004,
  '0005_media': m0005,
  '0006_webhook_overlap_and_retention': m0006,
  '0007_connectors': m0007,
  '0008_delivery_states': m0008,
  '0009_account_expiry_warning': m0009a,
  // Kysely runs these in name order: this one after the account expiry warning.
  '0009_quota_units': m0009b,
  '0010_webhook_format': m0010a,
  '0010_queues_and_metrics': m0010b,
  '0011_compat_account_health': m0011compatA,
  '0011_compat_ids': m0011compatB,
  '0011_dash_account_zone': m0011a,
  '0011_dash_web_sessions': m0011b,
  '0011_retry_campaigns': m0011retry,
  '0011_preflight_media_check': m0011preflight,
  '0011_ingest_duplicate_key': m0011ingest,
  '0012_deliveries_without_key': m0012keyless,
  '0012_scheduler_hot_paths': m0012scheduler,
  '0013_partial_indexes': m0013partial,
  // Kysely runs these in name order: this one after the partial indexes, whose follow-up index it replaces.
  '0013_published_follow_ups': m0013followUps,
};

function migrator(store: Store): Migrator {
  return new Migrator({
    db: store.db,
    provider: { getMigrations: async () => MIGRATIONS },
    // Branches add migrations with the same number (0011_compat_…, 0011_retry_…): a database that already ran a
    // later-named one still takes an earlier-named one added afterwards, instead of refusing to migrate.
    allowUnorderedMigrations: true,
  });
}

/**
 * Applies pending migrations. Safe to run from several processes at once: on PostgreSQL Kysely
 * takes an advisory lock; on SQLite it takes none, but each migration runs in a transaction,
 * so the loser of a race rolls back and, retrying, finds the work already done.
 */
export async function migrateToLatest(store: Store): Promise<MigrationResult[]> {
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator(store).migrateToLatest();
    if (!error) return results ?? [];
    if (store.dialect !== 'sqlite' || attempt >= 5) throw error instanceof Error ? error : new Error(String(error));
    await new Promise((r) => setTimeout(r, 50 * attempt));
  }
}

export async function pendingMigrations(store: Store): Promise<string[]> {
  const all = await migrator(store).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}
