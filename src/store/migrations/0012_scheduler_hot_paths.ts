import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * PostgreSQL only (SQLite keeps its indexes: its planner uses a partial index only when the query
 * names the index's condition literally, and its writes are cheap). A delivery is written three
 * times as it is published (claimed, attempt recorded, published) and each write that changes an
 * indexed column adds an entry to every index. The due, lease and follow-up indexes now hold only
 * rows their readers may look for (scheduled or awaiting a check; publishing; with a look owed), so
 * most of those writes skip them, and the claim's walk of the due index no longer passes entries
 * of deliveries already claimed. Each keeps the status as its first column, so the planner still
 * prefers it when its statistics are stale (say, taken before a large batch was published). A post's status is written twice (publishing, then its
 * outcome) without touching an indexed column: with room left on each page the new version stays
 * on it (a HOT update, no index entries at all); that applies to pages written from now on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`drop index deliveries_due`.execute(db);
  await sql`create index deliveries_due on deliveries (status, run_at) where status in ('scheduled', 'awaiting_check')`.execute(db);
  await sql`drop index deliveries_lease`.execute(db);
  await sql`create index deliveries_lease on deliveries (status, lease_until) where status = 'publishing'`.execute(db);
  await sql`drop index deliveries_follow_up`.execute(db);
  await sql`create index deliveries_follow_up on deliveries (status, check_until) where check_until is not null`.execute(db);
  await sql`alter table posts set (fillfactor = 80)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`alter table posts reset (fillfactor)`.execute(db);
  await sql`drop index deliveries_follow_up`.execute(db);
  await sql`create index deliveries_follow_up on deliveries (status, check_until)`.execute(db);
  await sql`drop index deliveries_lease`.execute(db);
  await sql`create index deliveries_lease on deliveries (status, lease_until)`.execute(db);
  await sql`drop index deliveries_due`.execute(db);
  await sql`create index deliveries_due on deliveries (status, run_at)`.execute(db);
}
