import { afterEach, describe, expect, it } from 'vitest';
import { holdUntil } from '../../src/budgets/index.js';
import { startAttempts, type AttemptStart } from '../../src/scheduler/delivery-claims.js';
import { claimDeliveries, type DeliveryRow } from '../../src/scheduler/index.js';
import type { Store } from '../../src/store/index.js';
import { DIALECTS, freshStores } from '../helpers/stores.js';
import { seedDeliveries } from '../helpers/rows.js';

/**
 * The publish pass reserves each delivery's pacing slot and records its attempt in one write (on PostgreSQL one
 * statement when each account asks once): each delivery must be answered as the slot reservation, then the
 * attempt record, one after the other would answer it.
 */
describe.each(DIALECTS)('starting attempts on %s', (dialect) => {
  const stores = freshStores(dialect);
  afterEach(() => stores.closeAll());
  const CATEGORY = 'pinterest:org_write';
  const budget = { limit: 4, windowMs: 1000, perDay: 0 };

  /** Deliveries dlv_<n> of accounts acc_<n> (acc_1 has two), each its own post, claimed by worker w1. */
  async function claimed(): Promise<{ s: Store; now: number; held: Map<string, DeliveryRow> }> {
    const s = await stores.open();
    const now = Date.now();
    await seedDeliveries(
      s.db,
      [
        ['dlv_1', 'acc_1'],
        ['dlv_2', 'acc_2'],
        ['dlv_3', 'acc_3'],
        ['dlv_4', 'acc_1'],
      ],
      now,
    );
    const rows = await claimDeliveries(s.db, s.dialect, { owner: 'w1', leaseMs: 60_000, limit: 10, now });
    return { s, now, held: new Map(rows.map((d) => [d.id, d])) };
  }
  const start = (d: DeliveryRow): AttemptStart => ({ d, slot: { accountId: d.account_id, category: CATEGORY, budget }, attempts: 1, checkFor: 5000 });
  const row = (s: Store, id: string) => s.db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('gives each account its slot and records the attempt of each delivery given one; a held account waits, a lost lease records nothing', async () => {
    const { s, now, held } = await claimed();
    await holdUntil(s.db, 'acc_3', CATEGORY, now + 60_000);
    // dlv_2 was taken over by another worker meanwhile: its slot is spent, its attempt not recorded.
    await s.db.updateTable('deliveries').set({ lease_owner: 'w2' }).where('id', '=', 'dlv_2').execute();
    const at = now + 10;
    const answers = await startAttempts(
      s.db,
      s.dialect,
      'w1',
      ['dlv_1', 'dlv_2', 'dlv_3'].map((id) => start(held.get(id)!)),
      at,
    );
    expect(answers).toEqual([
      { ok: true, at, recorded: true },
      { ok: true, at, recorded: false },
      { ok: false, retryAt: now + 60_000 },
    ]);
    const d1 = await row(s, 'dlv_1');
    expect([d1.status, d1.attempts, d1.attempt_pending, d1.attempt_started_at, d1.check_until, d1.lease_owner]).toEqual([
      'publishing',
      1,
      1,
      at,
      at + 5000,
      'w1',
    ]);
    for (const id of ['dlv_2', 'dlv_3']) expect((await row(s, id)).attempt_pending).toBe(0);
    const pacing = await s.db.selectFrom('rate_pacing').select(['account_id', 'next_slot_at']).orderBy('account_id').execute();
    expect(pacing).toEqual([
      { account_id: 'acc_1', next_slot_at: at + 250 },
      { account_id: 'acc_2', next_slot_at: at + 250 },
      { account_id: 'acc_3', next_slot_at: now + 60_000 },
    ]);
    // Asked again within the spacing, acc_1 is refused until its next slot.
    expect(await startAttempts(s.db, s.dialect, 'w1', [start(held.get('dlv_4')!)], at + 100)).toEqual([{ ok: false, retryAt: at + 250 }]);
  });

  it('answers two deliveries of one account as if asked one after the other: the second waits for the spacing', async () => {
    const { s, now, held } = await claimed();
    const answers = await startAttempts(s.db, s.dialect, 'w1', [start(held.get('dlv_1')!), start(held.get('dlv_2')!), start(held.get('dlv_4')!)], now);
    expect(answers).toEqual([
      { ok: true, at: now, recorded: true },
      { ok: true, at: now, recorded: true },
      { ok: false, retryAt: now + 250 },
    ]);
    expect((await row(s, 'dlv_4')).attempt_pending).toBe(0);
  });
});
