import { afterEach, describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/store/group-commit.js';
import type { Store } from '../../src/store/index.js';
import { DIALECTS, freshStores } from '../helpers/stores.js';

describe.each(DIALECTS)('group commit on %s', (dialect) => {
  const stores = freshStores(dialect);
  afterEach(() => stores.closeAll());
  const store = () => stores.open();
  const names = async (s: Store) => (await s.db.selectFrom('workspaces').select('name').orderBy('name').execute()).map((r) => r.name);

  it('commits the writes asked for at the same moment in one transaction, each answered after the commit', async () => {
    const s = await store();
    const queue = new GroupCommit(s.db);
    const transactions = new Set<unknown>();
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((name, i) =>
        queue.run(async (trx) => {
          transactions.add(trx);
          await trx
            .insertInto('workspaces')
            .values({ id: `ws_${name}`, name, created_at: i })
            .execute();
          return name.toUpperCase();
        }),
      ),
    );
    expect(results).toEqual(['A', 'B', 'C', 'D']);
    expect(transactions.size).toBe(1);
    expect(await names(s)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a write that fails fails alone: the others of its batch are stored, and it gets its own error', async () => {
    const s = await store();
    await s.db.insertInto('workspaces').values({ id: 'ws_taken', name: 'taken', created_at: 0 }).execute();
    const queue = new GroupCommit(s.db);
    const insert = (id: string, name: string) =>
      queue.run((trx) =>
        trx
          .insertInto('workspaces')
          .values({ id, name, created_at: 1 })
          .execute()
          .then(() => id),
      );
    const outcomes = await Promise.allSettled([insert('ws_1', 'one'), insert('ws_taken', 'again'), insert('ws_2', 'two'), insert('ws_3', 'three')]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(Error);
    expect(await names(s)).toEqual(['one', 'taken', 'three', 'two'].sort());
  });

  it('keeps batching writes that arrive while a batch is committing', async () => {
    const s = await store();
    const queue = new GroupCommit(s.db);
    const ids = Array.from({ length: 300 }, (_, i) => `ws_${String(i).padStart(3, '0')}`);
    await Promise.all(ids.map((id, i) => queue.run((trx) => trx.insertInto('workspaces').values({ id, name: id, created_at: i }).execute())));
    expect(await names(s)).toEqual(ids);
  });
});
