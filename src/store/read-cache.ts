import type {
  Kysely,
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import type { Database } from './schema.js';

/**
 * How long a cached read is trusted when nothing in this process has written its tables: the
 * time a change made by another process (a key revoked with the CLI, an account disconnected
 * through another server) may take to be seen here. Changes made through this process are seen
 * at once.
 */
export const READ_CACHE_TTL_MS = 1000;
/** A cache keeps at most this many entries; past it, it starts again empty (unknown keys must not grow it for ever). */
const MAX_ENTRIES = 10_000;

type Table = keyof Database & string;

const tableName = (node: OperationNode | undefined): string | undefined => {
  if (!node) return undefined;
  if (node.kind === 'TableNode') return (node as unknown as { table: { identifier: { name: string } } }).table.identifier.name;
  if (node.kind === 'AliasNode') return tableName((node as unknown as { node: OperationNode }).node);
  return undefined;
};

/**
 * Counts, per table, the writes (INSERT, UPDATE, DELETE built with Kysely) this process sends to
 * the store, so a cached read of a table is dropped as soon as this process writes that table,
 * whichever code writes it (a key revoked, a board synced, a token refreshed by the worker).
 */
export class TableWrites implements KyselyPlugin {
  private readonly counts = new Map<string, number>();

  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    if (node.kind === 'InsertQueryNode') this.bump(tableName(node.into));
    else if (node.kind === 'UpdateQueryNode') this.bump(tableName(node.table));
    else if (node.kind === 'DeleteQueryNode') for (const from of node.from.froms) this.bump(tableName(from));
    return node;
  }

  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }

  /** A number that changes whenever any of `tables` is written by this process. */
  revision(tables: readonly Table[]): number {
    let sum = 0;
    for (const t of tables) sum += this.counts.get(t) ?? 0;
    return sum;
  }

  private bump(table: string | undefined): void {
    if (table) this.counts.set(table, (this.counts.get(table) ?? 0) + 1);
  }
}

interface Entry<V> {
  value: Promise<V>;
  revision: number;
  at: number;
}

/**
 * A read worth keeping between requests (an API key, a workspace, its accounts, a board list):
 * answered from memory until this process writes one of `tables`, or READ_CACHE_TTL_MS passes.
 * Inside a transaction, or on a store opened without write tracking, it always reads.
 */
export class ReadCache<V> {
  private readonly entries = new WeakMap<Kysely<Database>, Map<string, Entry<V>>>();

  constructor(
    private readonly tables: readonly Table[],
    private readonly ttlMs = READ_CACHE_TTL_MS,
  ) {}

  async get(db: Kysely<Database>, key: string, load: () => Promise<V>, keep: (value: V) => boolean = () => true): Promise<V> {
    const writes = db.isTransaction ? undefined : writesOf(db);
    if (!writes) return load();
    let entries = this.entries.get(db);
    if (!entries) this.entries.set(db, (entries = new Map()));
    const now = Date.now();
    const revision = writes.revision(this.tables);
    const cached = entries.get(key);
    if (cached && cached.revision === revision && now - cached.at < this.ttlMs) return cached.value;
    // The revision is taken before reading: a write landing during the read leaves the entry already stale.
    const value = load();
    if (entries.size >= MAX_ENTRIES) entries.clear();
    entries.set(key, { value, revision, at: now });
    value.then(
      (v) => {
        if (!keep(v) && entries.get(key)?.value === value) entries.delete(key);
      },
      () => {
        if (entries.get(key)?.value === value) entries.delete(key);
      },
    );
    return value;
  }
}

function writesOf(db: Kysely<Database>): TableWrites | undefined {
  return db.getExecutor().plugins.find((p): p is TableWrites => p instanceof TableWrites);
}
