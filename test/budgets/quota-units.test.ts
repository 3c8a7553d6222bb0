import { afterEach, describe, expect, it } from 'vitest';
import { quotaUnits } from '../../src/budgets/index.js';
import { migrateToLatest, openStore, type Store } from '../../src/store/index.js';
import { DIALECTS, freshDatabaseUrl } from '../helpers/stores.js';

describe.each(DIALECTS)('daily quota units on %s', (dialect) => {
  let store: Store | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await store?.close();
    await drop?.();
  });

  const open = async () => {
    const db = await freshDatabaseUrl(dialect);
    drop = db.drop;
    store = openStore(db.url);
    await migrateToLatest(store);
    return quotaUnits(store.db);
  };

  it('many takes at once never pass the limit: 6 of 20 uploads of 1,600 fit 10,000', async () => {
    const units = await open();
    const results = await Promise.all(Array.from({ length: 20 }, () => units.take('app:1', '2031-03-08', 1600, 10_000)));
    expect(results.filter((r) => r.ok)).toHaveLength(6);
    expect(await units.used('app:1', '2031-03-08')).toBe(9600);
    // Smaller calls still fit what is left; another day and another app start from nothing.
    expect((await units.take('app:1', '2031-03-08', 400, 10_000)).ok).toBe(true);
    expect((await units.take('app:1', '2031-03-08', 1, 10_000)).ok).toBe(false);
    expect((await units.take('app:1', '2031-03-09', 1600, 10_000)).ok).toBe(true);
    expect((await units.take('app:2', '2031-03-08', 1600, 10_000)).ok).toBe(true);
  });

  it('a day the platform says is spent stays spent', async () => {
    const units = await open();
    await units.take('app:1', '2031-03-08', 50, 10_000);
    await units.exhaust('app:1', '2031-03-08', 10_000);
    expect(await units.used('app:1', '2031-03-08')).toBe(10_000);
    expect((await units.take('app:1', '2031-03-08', 1, 10_000)).ok).toBe(false);
    expect((await units.take('app:1', '2031-03-08', 20_000, 10_000)).ok).toBe(false);
  });
});
