import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { insertRows, migrateToLatest, openStore, ReadCache, reusable, type Store } from '../../src/store/index.js';
import { DIALECTS, freshDatabaseUrl } from '../helpers/stores.js';

describe.each(DIALECTS)('queries compiled once on %s', (dialect) => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!();
  });
  async function store(): Promise<Store> {
    const db = await freshDatabaseUrl(dialect);
    cleanup.push(db.drop);
    const s = openStore(db.url);
    cleanup.push(() => s.close());
    await migrateToLatest(s);
    return s;
  }
  const workspaces = async (s: Store) => s.db.selectFrom('workspaces').select(['id', 'name', 'created_at']).orderBy('id').execute();

  it('stores each call’s own values, however many calls share the compiled statement, in and out of transactions', async () => {
    const s = await store();
    await insertRows(s.db, 'workspaces', [{ id: 'ws_1', name: 'one', created_at: 1 }]);
    await insertRows(s.db, 'workspaces', [{ id: 'ws_2', name: 'two', created_at: 2 }]);
    await s.db.transaction().execute((trx) =>
      insertRows(trx, 'workspaces', [
        { id: 'ws_3', name: 'three', created_at: 3 },
        { id: 'ws_4', name: 'four', created_at: 4 },
      ]),
    );
    // The same shape again with other values, and a row whose column order differs (its own shape).
    await insertRows(s.db, 'workspaces', [
      { id: 'ws_5', name: 'five', created_at: 5 },
      { id: 'ws_6', name: 'six', created_at: 6 },
    ]);
    await insertRows(s.db, 'workspaces', [{ name: 'seven', created_at: 7, id: 'ws_7' }]);
    expect((await workspaces(s)).map((w) => [w.id, w.name, Number(w.created_at)])).toEqual([
      ['ws_1', 'one', 1],
      ['ws_2', 'two', 2],
      ['ws_3', 'three', 3],
      ['ws_4', 'four', 4],
      ['ws_5', 'five', 5],
      ['ws_6', 'six', 6],
      ['ws_7', 'seven', 7],
    ]);
  });

  it('a row with a value left out gets the column’s default, as Kysely writes it, not a NULL from the reused statement', async () => {
    const s = await store();
    const row = (id: string, settings: string | undefined) => ({ id, name: id, created_at: 1, settings });
    // The same table, columns and number of rows, first with every value given: that statement is compiled and kept.
    await insertRows(s.db, 'workspaces', [row('ws_a', '{"a":1}')]);
    await insertRows(s.db, 'workspaces', [row('ws_b', '{"b":1}')]);
    await insertRows(s.db, 'workspaces', [row('ws_d', undefined)]);
    const fresh = await s.db.insertInto('workspaces').values({ id: 'ws_e', name: 'e', created_at: 1 }).returning('settings').executeTakeFirstOrThrow();
    const settings = Object.fromEntries((await s.db.selectFrom('workspaces').select(['id', 'settings']).execute()).map((w) => [w.id, w.settings]));
    expect(fresh.settings).not.toBeNull();
    expect(settings).toEqual({ ws_a: '{"a":1}', ws_b: '{"b":1}', ws_d: fresh.settings, ws_e: fresh.settings });
  });

  it('a write through a compiled insert drops this process’s cached reads of that table at once', async () => {
    const s = await store();
    const cache = new ReadCache<number>(['workspaces'], 60_000);
    const count = () =>
      cache.get(s.db, 'n', async () =>
        Number(
          (
            await s.db
              .selectFrom('workspaces')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        ),
      );
    expect(await count()).toBe(0);
    await insertRows(s.db, 'workspaces', [{ id: 'ws_x', name: 'x', created_at: 1 }]);
    expect(await count()).toBe(1);
  });

  it('a reusable query puts each call’s arguments in their places and keeps the values written into it', async () => {
    const s = await store();
    await insertRows(s.db, 'workspaces', [
      { id: 'ws_1', name: 'alpha', created_at: 10 },
      { id: 'ws_2', name: 'beta', created_at: 20 },
      { id: 'ws_3', name: 'gamma', created_at: 30 },
      { id: 'ws_4', name: 'delta', created_at: 40 },
    ]);
    // Arguments in two places, a value written in the query (`ws_2`) and a literal limit that stay as they are.
    const between = reusable('test.between', (db, after: number, before: number) =>
      db
        .selectFrom('workspaces')
        .select('id')
        .where('created_at', '>', after)
        .where('id', '!=', 'ws_2')
        .where('created_at', '<', before)
        .orderBy('id')
        .limit(sql.lit(2)),
    );
    expect((await between(s.db, 0, 100)).map((r) => r.id)).toEqual(['ws_1', 'ws_3']);
    expect((await between(s.db, 15, 100)).map((r) => r.id)).toEqual(['ws_3', 'ws_4']);
    expect((await between(s.db, 35, 45)).map((r) => r.id)).toEqual(['ws_4']);
    expect(await s.db.transaction().execute((trx) => between(trx, 0, 25))).toEqual([{ id: 'ws_1' }]);
  });
});
