import type { Kysely } from 'kysely';
import { searchTextOf } from '../../shared/index.js';

/**
 * Campaigns (named groups of posts), posts deleted from listings (`deleted_at`: a soft delete, so
 * published deliveries keep their history), the text posts are searched by, and on deliveries who
 * retried a failed one, when, and how often, and when a published one was removed from its platform.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('color', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('campaigns_by_workspace').on('campaigns').columns(['workspace_id', 'id']).execute();

  await db.schema.alterTable('posts').addColumn('campaign_id', 'text').execute();
  await db.schema.alterTable('posts').addColumn('deleted_at', 'bigint').execute();
  await db.schema
    .alterTable('posts')
    .addColumn('search_text', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('posts_by_campaign').on('posts').columns(['workspace_id', 'campaign_id']).execute();
  await db.schema.createIndex('posts_by_creation').on('posts').columns(['workspace_id', 'created_at', 'id']).execute();

  await db.schema
    .alterTable('deliveries')
    .addColumn('retries', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('deliveries').addColumn('retried_at', 'bigint').execute();
  await db.schema.alterTable('deliveries').addColumn('retried_by', 'text').execute();
  await db.schema.alterTable('deliveries').addColumn('unpublished_at', 'bigint').execute();

  // Posts made before this migration: their search text, a page at a time.
  const posts = db as unknown as Kysely<{ posts: { id: string; request: string; search_text: string } }>;
  let after = '';
  for (;;) {
    const page = await posts.selectFrom('posts').select(['id', 'request']).where('id', '>', after).orderBy('id').limit(500).execute();
    if (!page.length) break;
    for (const row of page)
      await posts
        .updateTable('posts')
        .set({ search_text: searchTextOf(JSON.parse(row.request)) })
        .where('id', '=', row.id)
        .execute();
    after = page[page.length - 1]!.id;
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['unpublished_at', 'retried_by', 'retried_at', 'retries']) await db.schema.alterTable('deliveries').dropColumn(column).execute();
  await db.schema.dropIndex('posts_by_creation').execute();
  await db.schema.dropIndex('posts_by_campaign').execute();
  for (const column of ['search_text', 'deleted_at', 'campaign_id']) await db.schema.alterTable('posts').dropColumn(column).execute();
  await db.schema.dropTable('campaigns').execute();
}
