import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { startAttempts } from '../../src/scheduler/delivery-claims.js';
import { claimDeliveries } from '../../src/scheduler/index.js';
import type { Database } from '../../src/store/index.js';
import { freshStores } from '../helpers/stores.js';
import { seedDeliveries } from '../helpers/rows.js';

/**
 * On PostgreSQL, recording an attempt must change no indexed column, so that it is a HOT update (no index entries):
 * an index on one of the attempt's columns (check_until, say) would quietly make every publish write every index again.
 */
describe('recording attempts on postgres', () => {
  const stores = freshStores('postgres');
  afterEach(() => stores.closeAll());

  it('updates each claimed delivery in place, adding nothing to any index', async () => {
    const s = await stores.open();
    const now = Date.now();
    await seedDeliveries(
      s.db,
      [
        ['dlv_1', 'acc_0'],
        ['dlv_2', 'acc_1'],
        ['dlv_3', 'acc_2'],
      ],
      now,
    );
    const claimed = await claimDeliveries(s.db, s.dialect, { owner: 'w1', leaseMs: 60_000, limit: 10, now });
    expect(claimed).toHaveLength(3);

    const budget = { limit: 100, windowMs: 1000, perDay: 0 };
    // This connection's counts not yet sent to the server-wide ones (pg_stat_xact_*): exact at once, read before and after.
    const counted = async (trx: Kysely<Database>) =>
      (
        await sql<{ updated: number; hot: number }>`select n_tup_upd::int as updated, n_tup_hot_upd::int as hot
          from pg_stat_xact_user_tables where relname = 'deliveries'`.execute(trx)
      ).rows[0]!;
    const counts = await s.db.transaction().execute(async (trx) => {
      const before = await counted(trx);
      const answers = await startAttempts(
        trx,
        s.dialect,
        'w1',
        claimed.map((d) => ({ d, slot: { accountId: d.account_id, category: 'pinterest:org_write', budget }, attempts: 1, checkFor: 5000 })),
        now,
      );
      expect(answers.every((a) => a.ok && a.recorded)).toBe(true);
      const after = await counted(trx);
      return { updated: after.updated - before.updated, hot: after.hot - before.hot };
    });
    expect(counts).toEqual({ updated: 3, hot: 3 });
  });
});
