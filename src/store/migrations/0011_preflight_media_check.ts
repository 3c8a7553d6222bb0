import { sql, type Kysely } from 'kysely';

/**
 * The background media preflight: when a post's media URLs are next to be fetched and decoded
 * (0 = as soon as a worker can, which every new post gets by default; null = nothing left to check),
 * which worker holds the check and until when, and the last verdict.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('posts')
    .addColumn('media_check_next', 'bigint', (c) => c.defaultTo(0))
    .execute();
  await db.schema.alterTable('posts').addColumn('media_check_owner', 'text').execute();
  await db.schema.alterTable('posts').addColumn('media_check_until', 'bigint').execute();
  await db.schema.alterTable('posts').addColumn('media_checked_at', 'bigint').execute();
  await db.schema.alterTable('posts').addColumn('media_check', 'text').execute();
  // Posts already under way or finished have nothing left to check; scheduled ones are checked once.
  await sql`UPDATE posts SET media_check_next = NULL WHERE status <> 'scheduled'`.execute(db);
  // Only posts still to check are in the index: it stays small however many posts are stored.
  await db.schema.createIndex('posts_media_check_due').on('posts').column('media_check_next').where(sql.ref('media_check_next'), 'is not', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('posts_media_check_due').execute();
  for (const column of ['media_check', 'media_checked_at', 'media_check_until', 'media_check_owner', 'media_check_next'])
    await db.schema.alterTable('posts').dropColumn(column).execute();
}
