import type { Kysely } from 'kysely';

/** How an endpoint's requests are signed: Pinion's own headers, or the Standard Webhooks ones. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('webhook_endpoints')
    .addColumn('format', 'text', (c) => c.notNull().defaultTo('pinion'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhook_endpoints').dropColumn('format').execute();
}
