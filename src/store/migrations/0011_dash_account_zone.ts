import { sql, type Kysely } from 'kysely';

/**
 * Each account's own time zone (IANA name; null: the workspace's, which is UTC), the zone the
 * dashboard shows its posts in. An account whose queue slots already name a zone takes that one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('timezone', 'text').execute();
  await sql`update accounts set timezone = (select q.timezone from account_queues q where q.account_id = accounts.id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('accounts').dropColumn('timezone').execute();
}
