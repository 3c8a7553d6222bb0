import { afterEach, describe, expect, it } from 'vitest';
import { holdUntil, reserveSlot, reserveSlots } from '../../src/budgets/index.js';
import { moveDeliveries } from '../../src/scheduler/delivery-state.js';
import { recordAttempts } from '../../src/scheduler/delivery-claims.js';
import { markPublishedMany, type DeliveryOutcome } from '../../src/scheduler/outcome.js';
import { IllegalTransition, claimDeliveries, insertDeliveries } from '../../src/scheduler/index.js';
import { migrateToLatest, openStore, type Store } from '../../src/store/index.js';
import { DIALECTS, freshDatabaseUrl } from '../helpers/stores.js';
import { accountRow, newDeliveryRow, postRow } from '../helpers/rows.js';

/** The writes the publish pass makes for many deliveries at once must answer each one as the one-at-a-time writes would. */
describe.each(DIALECTS)('batched delivery writes on %s', (dialect) => {
  let store: Store | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await store?.close();
    await drop?.();
  });
  async function open(accounts = ['acc_1']) {
    const db = await freshDatabaseUrl(dialect);
    drop = db.drop;
    store = openStore(db.url);
    await migrateToLatest(store);
    const now = Date.now();
    await store.db.insertInto('workspaces').values({ id: 'ws_1', name: 'w', created_at: now }).execute();
    for (const id of accounts) {
      await store.db
        .insertInto('accounts')
        .values(accountRow({ id, workspace_id: 'ws_1', external_id: id, username: id, now }))
        .execute();
    }
    // post_1 has two deliveries, post_2 and post_3 one each.
    for (const post of ['post_1', 'post_2', 'post_3']) {
      await store.db.insertInto('posts').values(postRow(post, now)).execute();
    }
    const row = (id: string, post: string, at = now) => newDeliveryRow(id, { post_id: post, account_id: 'acc_1', now, at });
    // dlv_4 falls due a millisecond after the others.
    await insertDeliveries(store.db, [row('dlv_1', 'post_1'), row('dlv_2', 'post_1'), row('dlv_3', 'post_2'), row('dlv_4', 'post_3', now + 1)]);
    return { s: store, now };
  }
  const delivery = (s: Store, id: string) => s.db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const postStatus = async (s: Store, id: string) => (await s.db.selectFrom('posts').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

  it('claims and shows the posts as publishing; records attempts only for deliveries this worker still holds', async () => {
    const { s, now } = await open();
    const held = await s.db
      .transaction()
      .execute((trx) => claimDeliveries(trx, s.dialect, { owner: 'w1', leaseMs: 60_000, limit: 10, now, postsPublishing: true }));
    expect(held.map((d) => d.id).sort()).toEqual(['dlv_1', 'dlv_2', 'dlv_3']);
    expect([await postStatus(s, 'post_1'), await postStatus(s, 'post_2'), await postStatus(s, 'post_3')]).toEqual(['publishing', 'publishing', 'scheduled']);
    // The fourth delivery belongs to nobody yet: its attempt must not be recorded.
    const unclaimed = await delivery(s, 'dlv_4');
    const items = [
      ...held.map((d, k) => ({ d, attempts: 1, startedAt: now + k, checkUntil: now + 1000 + k })),
      { d: unclaimed, attempts: 1, startedAt: now, checkUntil: now + 1000 },
    ];
    expect(await recordAttempts(s.db, 'w1', items, now)).toEqual([...held.map(() => true), false]);
    expect(await recordAttempts(s.db, 'w2', items.slice(0, 1), now)).toEqual([false]);
    for (const [k, d] of held.entries()) {
      const r = await delivery(s, d.id);
      expect([r.attempts, r.attempt_pending, r.attempt_started_at, r.check_until]).toEqual([1, 1, now + k, now + 1000 + k]);
    }
    expect((await delivery(s, 'dlv_4')).attempt_pending).toBe(0);
  });

  it('records publishes together with values per delivery, each post summarised once, the listener told once; a late writer changes nothing', async () => {
    const { s, now } = await open();
    const claimed = await claimDeliveries(s.db, s.dialect, { owner: 'w1', leaseMs: 60_000, limit: 4, now: now + 1 });
    const byId = new Map(claimed.map((d) => [d.id, d]));
    // dlv_2 was taken back meanwhile (say its lease ran out and it was failed elsewhere): its publish must not be recorded.
    await s.db.updateTable('deliveries').set({ status: 'failed' }).where('id', '=', 'dlv_2').execute();
    const told: DeliveryOutcome[][] = [];
    const results = await markPublishedMany(
      s.db,
      ['dlv_1', 'dlv_2', 'dlv_3', 'dlv_4'].map((id, k) => ({
        d: byId.get(id)!,
        result: { externalId: `pin_${k}`, url: `https://pins.example/${k}`, adopted: k === 2 },
        now: now + k,
      })),
      now + 10,
      async (_trx, outcomes) => void told.push(outcomes),
    );
    expect(results).toEqual([true, false, true, true]);
    expect(told.map((o) => o.map((x) => x.delivery.id))).toEqual([['dlv_1', 'dlv_3', 'dlv_4']]);
    const d3 = await delivery(s, 'dlv_3');
    expect([d3.status, d3.external_id, d3.external_url, d3.published_at, d3.adopted, d3.lease_owner]).toEqual([
      'published',
      'pin_2',
      'https://pins.example/2',
      now + 2,
      1,
      null,
    ]);
    expect((await delivery(s, 'dlv_1')).external_id).toBe('pin_0');
    expect((await delivery(s, 'dlv_2')).external_id).toBeNull();
    expect(await postStatus(s, 'post_1')).toBe('partially_published');
    expect(await postStatus(s, 'post_2')).toBe('published');
    expect(await postStatus(s, 'post_3')).toBe('published');
  });

  it('refuses a batch the transition table does not allow, writing nothing', async () => {
    const { s, now } = await open();
    await expect(moveDeliveries(s.db, [{ id: 'dlv_1', set: {} }], { from: ['scheduled'], to: 'published', now })).rejects.toBeInstanceOf(IllegalTransition);
    expect((await delivery(s, 'dlv_1')).status).toBe('scheduled');
  });

  it('reserves slots for many calls as if asked one after another: per account spacing, holds and daily caps', async () => {
    const { s } = await open(['acc_1', 'acc_2', 'acc_3']);
    // A second into a UTC day, so the daily count below stays within one day.
    const now = Math.floor(Date.now() / 86_400_000) * 86_400_000 + 1000;
    const budget = { limit: 4, windowMs: 1000, perDay: 3 };
    const ask = (accountId: string) => ({ accountId, category: 'pinterest:org_write', budget });
    await holdUntil(s.db, 'acc_3', 'pinterest:org_write', now + 60_000);
    // acc_1 twice in one batch: the second waits for the first one's spacing, as it would one after the other.
    expect(await reserveSlots(s.db, [ask('acc_1'), ask('acc_2'), ask('acc_1'), ask('acc_3')], now)).toEqual([
      { ok: true, at: now },
      { ok: true, at: now },
      { ok: false, retryAt: now + 250 },
      { ok: false, retryAt: now + 60_000 },
    ]);
    expect(await reserveSlot(s.db, 'acc_1', 'pinterest:org_write', budget, now + 100)).toEqual({ ok: false, retryAt: now + 250 });
    // The daily cap counts batched calls too: 3 a day, one used by acc_2 above.
    const day = [];
    for (let i = 1; i <= 3; i++) day.push(...(await reserveSlots(s.db, [ask('acc_2')], now + i * 250)));
    expect(day.map((r) => r.ok)).toEqual([true, true, false]);
  });
});
