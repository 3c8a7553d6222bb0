import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { TableWrites } from './read-cache.js';
import { prepareMarkedStatements } from './prepared.js';
import { checkpointInBackground, type BackgroundCheckpoints } from './checkpoints.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The URL without its password, safe to print. */
  displayUrl: string;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** PostgreSQL pool size per process. */
  poolSize?: number;
  /**
   * PostgreSQL: send the publish path's statements as named prepared statements (see preparedOnPostgres); on unless
   * false, which a pooler that keeps no prepared statements needs (PgBouncer in transaction mode before 1.21).
   */
  preparedStatements?: boolean;
}

/** Opens `sqlite:<path>` (`sqlite::memory:` for a throwaway) or `postgres://…`. */
export function openStore(url: string, options: OpenStoreOptions = {}): Store {
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length));
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options);
  throw new Error(`Unsupported database URL (expected sqlite:<path> or postgres://…): ${redactUrl(url)}`);
}

/**
 * A SQLite connection set up as the store uses it: its pragmas, and checkpoints from a worker thread
 * for a file (bench/lib/ingest-floors.ts measures its floor on exactly this connection).
 */
export function sqliteConnection(file: string): { database: SqliteDatabase.Database; checkpoints?: BackgroundCheckpoints } {
  const database = new SqliteDatabase(file);
  // WAL lets readers (API) run while the worker writes; busy_timeout rides out short write locks.
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  database.pragma('synchronous = NORMAL');
  return { database, checkpoints: file === ':memory:' ? undefined : checkpointInBackground(database, file) };
}

function openSqlite(path: string): Store {
  const file = path === ':memory:' ? path : resolve(path);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const { database, checkpoints } = sqliteConnection(file);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }), plugins: [new TableWrites()] });
  const close = async () => {
    await checkpoints?.stop();
    await db.destroy();
  };
  return { db, dialect: 'sqlite', displayUrl: `sqlite:${file}`, close };
}

/**
 * Kysely prepares every query anew; compiling the SQL was a tenth of the CPU of a POST /posts.
 * The same SQL text reuses its statement (least recently used ones dropped past `size`). Safe
 * because Kysely runs one query at a time on the connection, and SQLite re-prepares a statement
 * by itself after a schema change.
 */
function withStatementCache(database: SqliteDatabase.Database, size = 500) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt) cache.delete(sql);
      // Kysely opens transactions with a deferred `begin`: one that reads, then writes while another process (API and
      // worker share the file) has written meanwhile gets SQLITE_BUSY at once, busy_timeout or not ("database is
      // locked" on a PATCH racing a worker). `begin immediate` takes the write lock first and waits for it instead.
      else stmt = database.prepare(sql === 'begin' ? 'begin immediate' : sql);
      cache.set(sql, stmt);
      if (cache.size > size) cache.delete(cache.keys().next().value!);
      return stmt;
    },
  };
}

function openPostgres(url: string, options: OpenStoreOptions): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // bigint columns hold epoch milliseconds and counts, all well inside 2^53.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  if (options.preparedStatements !== false) pool.on('connect', prepareMarkedStatements);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new TableWrites()] });
  return { db, dialect: 'postgres', displayUrl: redactUrl(url), close: () => db.destroy() };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}
