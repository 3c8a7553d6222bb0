import type { Kysely } from 'kysely';

/**
 * Daily quotas counted in units per app (a platform project's allowance shared by every account
 * and worker): one row per bucket and the platform's own day label, counted up atomically.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('quota_units')
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('used', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('quota_units_pk', ['bucket', 'day'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('quota_units').execute();
}
