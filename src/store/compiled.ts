import { createQueryId, type Compilable, type CompiledQuery, type Insertable, type Kysely, type QueryResult } from 'kysely';
import type { Database } from './schema.js';

/**
 * Queries on the busiest paths (a POST /posts stores a post and its deliveries and looks for a
 * duplicate) compiled once per dialect instead of built and compiled by Kysely on every call:
 * building and compiling them was about a sixth of the CPU of a POST. Only the bound values
 * change between calls; the SQL is still Kysely's, so it is right for SQLite and PostgreSQL alike.
 */

type Table = keyof Database & string;
/** Compiled statements kept per dialect; past this, the oldest is dropped (import chunk sizes vary a little). */
const MAX_SHAPES = 200;
const shapes = new WeakMap<object, Map<string, CompiledQuery | null>>();

function cacheFor(db: Kysely<Database>): Map<string, CompiledQuery | null> {
  // The adapter is one object per Kysely instance and shared by its transactions: one cache per dialect in use.
  const adapter = db.getExecutor().adapter;
  let cache = shapes.get(adapter);
  if (!cache) shapes.set(adapter, (cache = new Map()));
  return cache;
}

function remember(cache: Map<string, CompiledQuery | null>, key: string, compiled: CompiledQuery | null): void {
  if (cache.size >= MAX_SHAPES) cache.delete(cache.keys().next().value!);
  cache.set(key, compiled);
}

/**
 * Runs a compiled statement with new values, through the plugins (so this process's write counts still see it).
 * The store's plugins only watch queries, none rewrites one, so the SQL compiled once still stands.
 */
function run<R>(db: Kysely<Database>, compiled: CompiledQuery, parameters: unknown[]): Promise<QueryResult<R>> {
  const queryId = createQueryId();
  const query = db.getExecutor().transformQuery(compiled.query, queryId);
  return db.executeQuery<R>({ query, queryId, sql: compiled.sql, parameters });
}

/**
 * INSERTs rows that all have the same columns in one statement, compiled once per table, column list
 * and number of rows. Where Kysely would not bind each value as one parameter in row order (an
 * undefined value, an SQL expression), the insert is built the usual way instead.
 */
export async function insertRows<T extends Table>(db: Kysely<Database>, table: T, rows: Array<Insertable<Database[T]>>): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(rows[0]!);
  const values: unknown[] = [];
  for (const row of rows) {
    const r = row as Record<string, unknown>;
    for (const c of columns) values.push(r[c]);
  }
  const usual = () => db.insertInto(table).values(rows).execute();
  if (values.some((v) => v === undefined || (typeof v === 'object' && v !== null))) return void (await usual());
  const key = `${table}\u0000${rows.length}\u0000${columns.join(',')}`;
  const cache = cacheFor(db);
  let compiled = cache.get(key);
  if (compiled === undefined) {
    const made = db.insertInto(table).values(rows).compile();
    // Kept only if Kysely bound exactly these values in this order: then any rows of this shape bind the same way.
    compiled = made.parameters.length === values.length && made.parameters.every((p, i) => p === values[i]) ? made : null;
    remember(cache, key, compiled);
  }
  if (!compiled) return void (await usual());
  await run(db, compiled, values);
}

/** Stands for an argument while a reusable query is compiled; replaced by the argument's value on each call. */
class Slot {
  constructor(readonly index: number) {}
}

/**
 * A query whose shape never changes, only some bound values (`build` must use its arguments only as
 * values to bind, never to choose what to build): compiled once per dialect and `shape` (a name for
 * the variant `build` makes), then run with the arguments put in their places.
 */
export function reusable<A extends unknown[], R>(shape: string, build: (db: Kysely<Database>, ...args: A) => Compilable<R>) {
  return async (db: Kysely<Database>, ...args: A): Promise<R[]> => {
    const cache = cacheFor(db);
    let compiled = cache.get(shape);
    if (compiled === undefined) {
      const slots = args.map((_, i) => new Slot(i)) as unknown as A;
      compiled = build(db, ...slots).compile();
      remember(cache, shape, compiled);
    }
    const parameters = compiled!.parameters.map((p) => (p instanceof Slot ? args[p.index] : p));
    return (await run<R>(db, compiled!, parameters)).rows;
  };
}
