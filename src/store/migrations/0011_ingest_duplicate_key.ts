import type { Kysely } from 'kysely';

/**
 * Each delivery keeps the key its platform's duplicate rule gives its payload (the same image and
 * link on the same board, say), so the duplicate warning is one indexed lookup instead of reading
 * and parsing every delivery of the account near that time (all of them, for an account posting
 * the same pin often). '' when the platform has no rule or the payload no key; NULL on deliveries
 * made before this column existed, which the check still reads the old way.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('duplicate_key', 'text').execute();
  await db.schema.createIndex('deliveries_duplicate').on('deliveries').columns(['account_id', 'duplicate_key', 'scheduled_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('deliveries_duplicate').execute();
  await db.schema.alterTable('deliveries').dropColumn('duplicate_key').execute();
}
