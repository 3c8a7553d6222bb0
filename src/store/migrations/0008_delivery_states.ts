import type { Kysely } from 'kysely';

/**
 * Delivery states owned by one module: `awaiting_check` (an attempt got no answer) needs the end
 * of the time its result is looked for; a platform found holding a delivery twice records the
 * other posts and a warning. The status column is text, so the new states need no change there.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('check_until', 'bigint').execute();
  await db.schema.alterTable('deliveries').addColumn('duplicates', 'text').execute();
  await db.schema.alterTable('deliveries').addColumn('warning', 'text').execute();
  // Published deliveries due a last look for a late duplicate, found without walking every published row.
  await db.schema.createIndex('deliveries_follow_up').on('deliveries').columns(['status', 'check_until']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('deliveries_follow_up').execute();
  await db.schema.alterTable('deliveries').dropColumn('warning').execute();
  await db.schema.alterTable('deliveries').dropColumn('duplicates').execute();
  await db.schema.alterTable('deliveries').dropColumn('check_until').execute();
}
