import { afterEach, describe, expect, it } from 'vitest';
import { claimDeliveries, renewLease } from '../../src/scheduler/index.js';
import { takeFollowUps } from '../../src/scheduler/follow-ups.js';
import { reserveSlot, holdUntil } from '../../src/budgets/index.js';
import { migrateToLatest, openStore, type Store } from '../../src/store/index.js';
import { DIALECTS, freshDatabaseUrl, freshStores } from '../helpers/stores.js';
import { accountRow, postRow, seedDeliveries } from '../helpers/rows.js';

async function seed(store: Store, count: number, now: number) {
  await store.db.insertInto('workspaces').values({ id: 'ws_1', name: 'w', created_at: now }).execute();
  await store.db
    .insertInto('accounts')
    .values(accountRow({ id: 'acc_1', workspace_id: 'ws_1', external_id: '1', username: 'u', now }))
    .execute();
  await store.db.insertInto('posts').values(postRow('post_1', now)).execute();
  const rows = Array.from({ length: count }, (_, i) => ({
    id: `dlv_${String(i).padStart(4, '0')}`,
    post_id: 'post_1',
    workspace_id: 'ws_1',
    account_id: 'acc_1',
    platform: 'pinterest',
    status: 'scheduled' as const,
    payload: '{}',
    scheduled_at: now - 1000 + i,
    run_at: i % 2 === 0 ? now - 1000 + i : now + 3_600_000,
    attempts: 0,
    attempt_pending: 0,
    adopted: 0,
    created_at: now,
    updated_at: now,
  }));
  await store.db.insertInto('deliveries').values(rows).execute();
}

describe.each(DIALECTS)('claiming deliveries on %s', (dialect) => {
  let store: Store | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await store?.close();
    await drop?.();
  });
  async function open() {
    const db = await freshDatabaseUrl(dialect);
    drop = db.drop;
    store = openStore(db.url);
    await migrateToLatest(store);
    return store;
  }

  it('claims only due deliveries, at most the limit, oldest first, and never the same one twice', async () => {
    const s = await open();
    const now = Date.now();
    await seed(s, 60, now);
    const claimers = Array.from({ length: 4 }, (_, i) => claimDeliveries(s.db, s.dialect, { owner: `w${i}`, leaseMs: 60_000, limit: 5, now }));
    const results = await Promise.all(claimers);
    for (const r of results) expect(r.length).toBeLessThanOrEqual(5);
    const ids = results.flat().map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(20);
    expect(ids.every((id) => Number(id.slice(4)) % 2 === 0)).toBe(true);
    const rest = await claimDeliveries(s.db, s.dialect, { owner: 'late', leaseMs: 60_000, limit: 100, now });
    expect(rest.length).toBe(10);
    expect(await claimDeliveries(s.db, s.dialect, { owner: 'late', leaseMs: 60_000, limit: 100, now })).toEqual([]);
  });

  it("takes back a dead worker's deliveries once its lease runs out, not before; a live worker keeps its own", async () => {
    const s = await open();
    const now = Date.now();
    await seed(s, 4, now);
    const mine = await claimDeliveries(s.db, s.dialect, { owner: 'dead', leaseMs: 1000, limit: 10, now });
    expect(mine.length).toBe(2);
    expect(await claimDeliveries(s.db, s.dialect, { owner: 'other', leaseMs: 1000, limit: 10, now: now + 500 })).toEqual([]);
    const taken = await claimDeliveries(s.db, s.dialect, { owner: 'other', leaseMs: 1000, limit: 10, now: now + 1500 });
    expect(taken.map((d) => d.lease_owner)).toEqual(['other', 'other']);
    expect(await renewLease(s.db, mine[0]!.id, 'dead', 1000)).toBe(false);
    expect(await renewLease(s.db, mine[0]!.id, 'other', 1000)).toBe(true);
  });

  it('spaces an account’s calls across workers and honours a platform hold', async () => {
    const s = await open();
    const now = Date.now();
    const budget = { limit: 4, windowMs: 1000, perDay: 6 };
    const first = await Promise.all(Array.from({ length: 5 }, () => reserveSlot(s.db, 'acc_1', 'pinterest:org_write', budget, now)));
    expect(first.filter((r) => r.ok)).toHaveLength(1);
    expect(first.find((r) => !r.ok)).toEqual({ ok: false, retryAt: now + 250 });
    expect(await reserveSlot(s.db, 'acc_1', 'pinterest:org_write', budget, now + 250)).toEqual({ ok: true, at: now + 250 });
    await holdUntil(s.db, 'acc_1', 'pinterest:org_write', now + 60_000);
    expect(await reserveSlot(s.db, 'acc_1', 'pinterest:org_write', budget, now + 1000)).toEqual({ ok: false, retryAt: now + 60_000 });
    // The daily cap: 6 a day, two already used.
    const later = now + 60_000;
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await reserveSlot(s.db, 'acc_1', 'pinterest:org_write', budget, later + i * 250));
    expect(results.filter((r) => r.ok)).toHaveLength(4);
  });
});

describe.each(DIALECTS)('taking last looks for late duplicates on %s', (dialect) => {
  const stores = freshStores(dialect);
  afterEach(() => stores.closeAll());

  it('gives each published delivery due its look to exactly one of several workers, soonest first, and none not yet due', async () => {
    const { db } = await stores.open();
    const now = Date.now();
    const ids = Array.from({ length: 31 }, (_, i) => `dlv_${String(i).padStart(2, '0')}`);
    await seedDeliveries(
      db,
      ids.map((id) => [id, 'acc_1'] as const),
      now,
    );
    // Twenty due their look (at now - 20 … now - 1), ten not until later, and one with no look owed.
    for (const [i, id] of ids.entries())
      await db
        .updateTable('deliveries')
        .set({ status: 'published', published_at: now, external_id: `pin_${i}`, follow_up_at: i < 20 ? now - 20 + i : i < 30 ? now + 60_000 : null })
        .where('id', '=', id)
        .execute();
    // Four workers asking at once, again until nothing is left (on SQLite, with one connection, two may pick the
    // same rows: only one of them takes each).
    const taken: Array<{ id: string; follow_up_at: number | null; status: string }> = [];
    for (let round = 0; round < 10; round++) {
      const asked = await Promise.all(Array.from({ length: 4 }, () => takeFollowUps(db, dialect, now, 6)));
      for (const t of asked) expect(t.length).toBeLessThanOrEqual(6);
      if (!asked.flat().length) break;
      taken.push(...asked.flat());
    }
    const all = taken.map((d) => d.id);
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(ids.slice(0, 20));
    expect(taken.every((d) => d.follow_up_at === null && d.status === 'published')).toBe(true);
    expect(await takeFollowUps(db, dialect, now, 6)).toEqual([]);
    // The soonest look first.
    await db
      .updateTable('deliveries')
      .set({ follow_up_at: now - 5 })
      .where('id', '=', 'dlv_25')
      .execute();
    await db
      .updateTable('deliveries')
      .set({ follow_up_at: now - 9 })
      .where('id', '=', 'dlv_27')
      .execute();
    expect((await takeFollowUps(db, dialect, now, 1)).map((d) => d.id)).toEqual(['dlv_27']);
  });
});
