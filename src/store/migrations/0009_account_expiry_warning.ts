import type { Kysely } from 'kysely';

/**
 * Grants that cannot be refreshed die when their access token does: the expiry Pinion has
 * already warned about, so each coming expiry is told once, by one worker.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('expiry_warned_for', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('accounts').dropColumn('expiry_warned_for').execute();
}
