import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

type Work<T> = (trx: Transaction<Database>) => Promise<T>;
interface Pending {
  work: Work<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** At most this many writes share one transaction, so one batch never holds the write lock for long. */
const MAX_BATCH = 256;

/**
 * Group commit: writes asked for at about the same moment (in the same turn of the event loop,
 * or while the previous batch was committing) run one after another in one transaction and are
 * committed once. Each caller's promise settles only after that commit, so an answer still means
 * the write is in the store. The commit, not the statements, is most of what a small write costs
 * (on SQLite the WAL frames of every page touched; on PostgreSQL a round trip and a flush).
 *
 * When anything in a batch fails, the batch is rolled back and each write is run again in its
 * own transaction, so only the write that fails fails, with its own error. A write may therefore
 * run twice and must do nothing outside the transaction it is given.
 */
export class GroupCommit {
  private pending: Pending[] = [];
  private flushing = false;

  constructor(private readonly db: Kysely<Database>) {}

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Let the requests that arrived in this turn of the event loop join the batch first.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length) {
        const batch = this.pending.splice(0, MAX_BATCH);
        if (batch.length === 1) await this.alone(batch[0]!);
        else await this.together(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async together(batch: Pending[]): Promise<void> {
    let results: unknown[];
    try {
      results = await this.db.transaction().execute(async (trx) => {
        const out: unknown[] = [];
        for (const item of batch) out.push(await item.work(trx));
        return out;
      });
    } catch {
      // One bad write must not fail the others: each again alone, in its own transaction.
      for (const item of batch) await this.alone(item);
      return;
    }
    batch.forEach((item, i) => item.resolve(results[i]));
  }

  private async alone(item: Pending): Promise<void> {
    try {
      item.resolve(await this.db.transaction().execute(item.work));
    } catch (err) {
      item.reject(err);
    }
  }
}

const queues = new WeakMap<Kysely<Database>, GroupCommit>();

/**
 * Runs `work` in a transaction shared with the other writes of this moment (see GroupCommit);
 * inside a transaction already, simply runs it there.
 */
export function inGroupCommit<T>(db: Kysely<Database>, work: Work<T>): Promise<T> {
  if (db.isTransaction) return work(db as Transaction<Database>);
  let queue = queues.get(db);
  if (!queue) queues.set(db, (queue = new GroupCommit(db)));
  return queue.run(work);
}
