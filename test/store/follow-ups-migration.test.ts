import { afterEach, describe, expect, it } from 'vitest';
import { takeFollowUps } from '../../src/scheduler/follow-ups.js';
import * as followUps from '../../src/store/migrations/0013_published_follow_ups.js';
import { DIALECTS, freshStores } from '../helpers/stores.js';
import { newDeliveryRow, postRow, seedAccounts } from '../helpers/rows.js';

describe.each(DIALECTS)('migration 0013_published_follow_ups on %s', (dialect) => {
  const stores = freshStores(dialect);
  afterEach(() => stores.closeAll());

  it("moves a published delivery's last look to its own column, where the worker still finds it, and can be undone", async () => {
    const store = await stores.open();
    await followUps.down(store.db as never);
    const now = Date.now();
    await seedAccounts(store.db, ['acc_1'], now);
    await store.db.insertInto('posts').values(postRow('post_1', now)).execute();
    // Stored before the migration: a published delivery due its last look, and one waiting for an attempt's result.
    const raw = store.db as unknown as import('kysely').Kysely<{ deliveries: Record<string, unknown> }>;
    const row = (id: string) => ({
      ...newDeliveryRow(id, { post_id: 'post_1', account_id: 'acc_1', now }),
      attempts: 1,
      attempt_pending: 0,
      adopted: 0,
      retries: 0,
      duplicate_key: '',
    });
    await raw
      .insertInto('deliveries')
      .values([
        { ...row('dlv_published'), status: 'published', published_at: now, external_id: 'pin_1', check_until: now + 1000 },
        { ...row('dlv_waiting'), status: 'awaiting_check', attempt_pending: 1, check_until: now + 5000 },
      ])
      .execute();

    await followUps.up(store.db as never);
    const after = await store.db.selectFrom('deliveries').select(['id', 'check_until', 'follow_up_at']).orderBy('id').execute();
    expect(after).toEqual([
      { id: 'dlv_published', check_until: null, follow_up_at: now + 1000 },
      { id: 'dlv_waiting', check_until: now + 5000, follow_up_at: null },
    ]);
    expect(await takeFollowUps(store.db, dialect, now + 999, 10)).toEqual([]);
    expect((await takeFollowUps(store.db, dialect, now + 1000, 10)).map((d) => d.id)).toEqual(['dlv_published']);

    await store.db
      .updateTable('deliveries')
      .set({ follow_up_at: now + 2000 })
      .where('id', '=', 'dlv_published')
      .execute();
    await followUps.down(store.db as never);
    const back = await raw.selectFrom('deliveries').select(['id', 'check_until']).orderBy('id').execute();
    expect(back).toEqual([
      { id: 'dlv_published', check_until: now + 2000 },
      { id: 'dlv_waiting', check_until: now + 5000 },
    ]);
  });
});
