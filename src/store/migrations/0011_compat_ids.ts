import type { Kysely } from 'kysely';

/**
 * Numbers for Pinion ids, for wire formats whose ids are integers (PostEverywhere's accounts and
 * campaigns): one stable number per (kind, Pinion id), given out in order and never reused.
 * `data` keeps what such a format has and Pinion does not (a webhook's name, an upload's file name).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('compat_ids')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('pinion_id', 'text', (c) => c.notNull())
    .addColumn('number', 'integer')
    .addColumn('data', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('compat_ids_pk', ['kind', 'pinion_id'])
    .execute();
  await db.schema.createIndex('compat_ids_number').on('compat_ids').columns(['kind', 'number']).unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('compat_ids').execute();
}
