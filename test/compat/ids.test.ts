import { afterEach, describe, expect, it } from 'vitest';
import { CompatIds } from '../../src/compat/posteverywhere/ids.js';
import { DIALECTS, freshStores } from '../helpers/stores.js';

describe.each(DIALECTS)('PostEverywhere’s integer ids on %s', (dialect) => {
  const stores = freshStores(dialect);
  afterEach(() => stores.closeAll());
  const fresh = () => stores.open();

  it('numbers ids in order, once each, also when asked at the same time, per kind', async () => {
    const store = await fresh();
    const ids = new CompatIds(store.db);
    const accounts = Array.from({ length: 12 }, (_, i) => `acc_${i}`);
    const numbers = await Promise.all([...accounts, ...accounts].map((a) => ids.numberOf('account', a)));
    expect(numbers.slice(0, 12)).toEqual(numbers.slice(12)); // the same id twice at once: one number
    expect([...new Set(numbers)].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await ids.numberOf('campaign', 'cmp_a')).toBe(1); // each kind counts on its own
    expect(await ids.pinionIdOf('account', numbers[3]!)).toBe('acc_3');
    expect(await ids.pinionIdOf('account', 99)).toBeUndefined();
    // Kept: another process (a new CompatIds over the same database) sees the same numbers.
    expect(await new CompatIds(store.db).numberOf('account', 'acc_3')).toBe(numbers[3]);
  });

  it('keeps notes beside ids and replaces them', async () => {
    const ids = new CompatIds((await fresh()).db);
    expect(await ids.dataOf('webhook', 'whk_1')).toBeUndefined();
    await ids.setData('webhook', 'whk_1', { name: 'a' });
    await ids.setData('webhook', 'whk_1', { name: 'b' });
    expect(await ids.dataOf('webhook', 'whk_1')).toEqual({ name: 'b' });
  });
});
