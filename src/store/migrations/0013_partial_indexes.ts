import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Indexes that hold only the rows their readers look for, so that storing a post (and claiming
 * and publishing its deliveries) adds fewer index entries. Measured on SQLite with the ingest
 * bench's rows, a post and its delivery inserted ten to a transaction: 86 µs before, 66 µs after.
 *
 * Each condition is one that every reader's WHERE implies without naming it, which SQLite needs
 * to use a partial index (a comparison on a column implies it is not NULL; SQLite cannot prove a
 * bound status equal to a literal one, so no condition here names a status):
 * - deliveries_lease and deliveries_follow_up (SQLite; PostgreSQL's became partial in
 *   0012_scheduler_hot_paths): a lease or an outcome window exists only while a delivery is being
 *   published or checked, and the claims compare `lease_until` / `check_until` with the time.
 * - deliveries_published: `published_at` is set once a delivery is published; the analytics
 *   readers compare it with a time or name it (`is not null`).
 * - posts_by_campaign: most posts are in no campaign; its readers ask for one campaign id.
 */
const PARTIAL: Array<{ name: string; table: string; columns: string; where: string; sqliteOnly?: boolean }> = [
  { name: 'deliveries_lease', table: 'deliveries', columns: 'status, lease_until', where: 'lease_until is not null', sqliteOnly: true },
  { name: 'deliveries_follow_up', table: 'deliveries', columns: 'status, check_until', where: 'check_until is not null', sqliteOnly: true },
  { name: 'deliveries_published', table: 'deliveries', columns: 'status, platform, published_at', where: 'published_at is not null' },
  { name: 'posts_by_campaign', table: 'posts', columns: 'workspace_id, campaign_id', where: 'campaign_id is not null' },
];

const onPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const i of PARTIAL) {
    if (i.sqliteOnly && onPostgres(db)) continue;
    await sql`drop index ${sql.ref(i.name)}`.execute(db);
    await sql`create index ${sql.ref(i.name)} on ${sql.table(i.table)} (${sql.raw(i.columns)}) where ${sql.raw(i.where)}`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const i of PARTIAL) {
    if (i.sqliteOnly && onPostgres(db)) continue;
    await sql`drop index ${sql.ref(i.name)}`.execute(db);
    await sql`create index ${sql.ref(i.name)} on ${sql.table(i.table)} (${sql.raw(i.columns)})`.execute(db);
  }
}
