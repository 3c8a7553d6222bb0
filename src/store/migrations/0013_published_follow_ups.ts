import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * A delivery is written three times as it is published: claimed, attempt recorded, published. On
 * PostgreSQL a write that changes no indexed column, and finds room on its page, is HOT: the new
 * version is chained from the old one and no index gets an entry. The claim and the publish change
 * the status (indexed) and cannot be; the attempt's write changed only `check_until` among indexed
 * columns, because the follow-up index (published deliveries due a last look) was on it. That look's
 * time now has a column of its own, `follow_up_at`, so `check_until` is the attempt's window alone, in
 * no index, and the attempt's write is HOT when its page has room. Published rows move their look's
 * time over. Same index on both stores (its reader compares `follow_up_at` with the time, which
 * implies the condition, as SQLite needs).
 *
 * PostgreSQL only, fill factors (for pages written from now on): a delivery's claim is not HOT and
 * its new version lands on another page when its own is full, where no dead version can be pruned to
 * make room for the attempt's. At 70 about three quarters of the attempts were HOT in the dispatch
 * bench (a sixth at 100, all at 40), for 1.4 times the pages of a packed table; 40 would make them
 * all HOT for about 0.01 ms less PostgreSQL CPU per delivery, but at 2.5 times the pages, for as long
 * as the rows are kept (see bench/README.md). A post is written twice (publishing, then its
 * outcome), neither changing an indexed column: 60 (was 80) keeps most of both HOT.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('follow_up_at', 'bigint').execute();
  await sql`update deliveries set follow_up_at = check_until, check_until = null where status = 'published' and check_until is not null`.execute(db);
  await sql`drop index deliveries_follow_up`.execute(db);
  await sql`create index deliveries_follow_up on deliveries (status, follow_up_at) where follow_up_at is not null`.execute(db);
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`alter table deliveries set (fillfactor = 70)`.execute(db);
  await sql`alter table posts set (fillfactor = 60)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table posts set (fillfactor = 80)`.execute(db);
    await sql`alter table deliveries reset (fillfactor)`.execute(db);
  }
  await sql`drop index deliveries_follow_up`.execute(db);
  await sql`update deliveries set check_until = follow_up_at where status = 'published' and follow_up_at is not null`.execute(db);
  await db.schema.alterTable('deliveries').dropColumn('follow_up_at').execute();
  // As 0012_scheduler_hot_paths (PostgreSQL) and 0013_partial_indexes (SQLite) left it.
  await sql`create index deliveries_follow_up on deliveries (status, check_until) where check_until is not null`.execute(db);
}
