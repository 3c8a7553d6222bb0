import type { Kysely } from 'kysely';

/**
 * Destination links checked again shortly before a post is due (the background link preflight),
 * queue time slots per account (weekly times in the account's zone that `next_slot` posts fill),
 * and the metrics read back from published posts at their checkpoints (1, 7, 30 days, on request).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('account_queues')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('slots', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('delivery_metrics')
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('deliveries.id').onDelete('cascade'))
    .addColumn('checkpoint', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('metrics', 'text', (c) => c.notNull())
    .addColumn('read_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('delivery_metrics_pk', ['delivery_id', 'checkpoint'])
    .execute();
  await db.schema.createIndex('delivery_metrics_by_workspace').on('delivery_metrics').columns(['workspace_id', 'platform', 'read_at']).execute();
  await db.schema.alterTable('posts').addColumn('link_check', 'text').execute();
  await db.schema.alterTable('posts').addColumn('link_checked_at', 'bigint').execute();
  await db.schema.createIndex('deliveries_published').on('deliveries').columns(['status', 'platform', 'published_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('deliveries_published').execute();
  await db.schema.alterTable('posts').dropColumn('link_checked_at').execute();
  await db.schema.alterTable('posts').dropColumn('link_check').execute();
  await db.schema.dropTable('delivery_metrics').execute();
  await db.schema.dropTable('account_queues').execute();
}
