import { afterEach, describe, expect, it } from 'vitest';
import { moveDelivery } from '../../src/scheduler/delivery-state.js';
import { summarise } from '../../src/scheduler/post-status.js';
import {
  IllegalTransition,
  TRANSITIONS,
  cancelWaitingDeliveries,
  claimDeliveries,
  insertDeliveries,
  replaceWaitingDeliveries,
  setAsideForMedia,
  DeliveryBusy,
} from '../../src/scheduler/index.js';
import { migrateToLatest, openStore, type Store } from '../../src/store/index.js';
import type { DeliveryStatus } from '../../src/store/schema.js';
import { DIALECTS, freshDatabaseUrl } from '../helpers/stores.js';
import { accountRow, newDeliveryRow, postRow } from '../helpers/rows.js';

const ALL: DeliveryStatus[] = ['scheduled', 'publishing', 'awaiting_check', 'published', 'failed', 'cancelled', 'needs_attention'];

describe('the post status that follows from its deliveries', () => {
  it('shows a delivery awaiting the check of an unanswered attempt as publishing, and one needing attention as failed', () => {
    expect(summarise(['awaiting_check'])).toBe('publishing');
    expect(summarise(['published', 'awaiting_check'])).toBe('publishing');
    expect(summarise(['needs_attention'])).toBe('failed');
    expect(summarise(['published', 'needs_attention'])).toBe('partially_published');
    expect(summarise(['cancelled', 'needs_attention'])).toBe('failed');
    expect(summarise(['scheduled', 'cancelled'])).toBe('scheduled');
  });

  it('has final states that lead nowhere (published only to itself, to record a late duplicate), and nothing that leads back to scheduled but a retry', () => {
    for (const s of ['cancelled', 'needs_attention'] as const) expect(TRANSITIONS[s]).toEqual([]);
    expect(TRANSITIONS.published).toEqual(['published']);
    // A failed delivery goes back to the queue only when a person retries it; one that may have gone out (needs_attention) never does.
    expect(TRANSITIONS.failed).toEqual(['scheduled']);
    expect(ALL.filter((s) => TRANSITIONS[s].includes('scheduled'))).toEqual(['publishing', 'failed']);
    expect(ALL.filter((s) => TRANSITIONS[s].includes('awaiting_check'))).toEqual(['publishing']);
  });
});

describe.each(DIALECTS)('delivery state on %s', (dialect) => {
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
    const now = Date.now();
    await store.db.insertInto('workspaces').values({ id: 'ws_1', name: 'w', created_at: now }).execute();
    await store.db
      .insertInto('accounts')
      .values(accountRow({ id: 'acc_1', workspace_id: 'ws_1', external_id: '1', username: 'u', now }))
      .execute();
    await store.db.insertInto('posts').values(postRow('post_1', now)).execute();
    const row = (id: string) => newDeliveryRow(id, { post_id: 'post_1', account_id: 'acc_1', now });
    await insertDeliveries(store.db, [row('dlv_1'), row('dlv_2')]);
    return { s: store, now, row };
  }
  const statusOf = async (s: Store, id: string) => (await s.db.selectFrom('deliveries').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

  it('refuses a move the table does not allow with IllegalTransition, and writes nothing', async () => {
    const { s, now } = await open();
    await expect(moveDelivery(s.db, 'dlv_1', { from: ['scheduled'], to: 'published', now })).rejects.toBeInstanceOf(IllegalTransition);
    await expect(moveDelivery(s.db, 'dlv_1', { from: ['cancelled'], to: 'scheduled', now })).rejects.toThrow(
      'A delivery cannot go from cancelled to scheduled',
    );
    expect(await statusOf(s, 'dlv_1')).toBe('scheduled');
  });

  it('guards each write by the state it expects and the lease owner: a late writer changes nothing', async () => {
    const { s, now } = await open();
    const [claimed] = await claimDeliveries(s.db, s.dialect, { owner: 'w1', leaseMs: 60_000, limit: 1, now });
    expect(claimed!.status).toBe('publishing');
    expect(await moveDelivery(s.db, claimed!.id, { from: ['publishing'], to: 'awaiting_check', owner: 'w2', set: { run_at: now + 1000 }, now })).toBe(false);
    expect(
      await moveDelivery(s.db, claimed!.id, {
        from: ['publishing'],
        to: 'awaiting_check',
        owner: 'w1',
        set: { run_at: now + 1000, attempt_pending: 1, check_until: now + 5000 },
        now,
      }),
    ).toBe(true);
    expect(await moveDelivery(s.db, claimed!.id, { from: ['publishing'], to: 'published', now })).toBe(false);
    expect(await statusOf(s, claimed!.id)).toBe('awaiting_check');
    const other = claimed!.id === 'dlv_1' ? 'dlv_2' : 'dlv_1';
    // The post cannot be cancelled while one delivery awaits its check: the other stays scheduled.
    await expect(cancelWaitingDeliveries(s.db, 'post_1', now)).rejects.toBeInstanceOf(DeliveryBusy);
    expect(await statusOf(s, other)).toBe('scheduled');
    // Due again at its run_at, not before: claimed to look for the attempt's result.
    expect((await claimDeliveries(s.db, s.dialect, { owner: 'w3', leaseMs: 60_000, limit: 5, now: now + 999 })).map((d) => d.id)).toEqual([other]);
    const again = await claimDeliveries(s.db, s.dialect, { owner: 'w3', leaseMs: 60_000, limit: 5, now: now + 1000 });
    expect(again.map((d) => [d.id, d.status, d.attempt_pending])).toEqual([[claimed!.id, 'publishing', 1]]);
  });

  it('replaces and cancels only deliveries that are waiting with nothing pending', async () => {
    const { s, now, row } = await open();
    await s.db
      .updateTable('deliveries')
      .set({ status: 'awaiting_check', attempt_pending: 1, attempt_started_at: now - 1000, check_until: now + 600_000, run_at: now + 30_000 })
      .where('id', '=', 'dlv_2')
      .execute();
    const busy = await replaceWaitingDeliveries(s.db, 'post_1', [row('dlv_3')]).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(DeliveryBusy);
    expect((busy as DeliveryBusy).retryAt).toBe(now + 600_000);
    expect((busy as DeliveryBusy).message).toMatch(/no answer came back.*could publish it twice/);
    expect((await s.db.selectFrom('deliveries').select('id').orderBy('id').execute()).map((d) => d.id)).toEqual(['dlv_1', 'dlv_2']);
    await expect(cancelWaitingDeliveries(s.db, 'post_1', now)).rejects.toBeInstanceOf(DeliveryBusy);
    expect(await statusOf(s, 'dlv_1')).toBe('scheduled');
  });

  it('replaces a delivery set aside for its media, never one that needs attention after an attempt', async () => {
    const { s, now, row } = await open();
    const setAside = await setAsideForMedia(s.db, 'post_1', ['pinterest'], 'media_url cannot be fetched: the server answered 404', now);
    expect(setAside.map((d) => [d.id, d.status, d.last_error_kind])).toEqual([
      ['dlv_1', 'needs_attention', 'media'],
      ['dlv_2', 'needs_attention', 'media'],
    ]);
    expect(await replaceWaitingDeliveries(s.db, 'post_1', [row('dlv_3')])).toBe(true);
    expect((await s.db.selectFrom('deliveries').select(['id', 'status']).orderBy('id').execute()).map((d) => [d.id, d.status])).toEqual([
      ['dlv_3', 'scheduled'],
    ]);
    // Tried once and given up without knowing whether it went out: an edit must not send it again.
    await s.db
      .updateTable('deliveries')
      .set({ status: 'needs_attention', attempts: 1, last_error_kind: 'unknown_outcome' })
      .where('id', '=', 'dlv_3')
      .execute();
    expect(await replaceWaitingDeliveries(s.db, 'post_1', [row('dlv_4')])).toBe(false);
    expect(await setAsideForMedia(s.db, 'post_1', ['pinterest'], 'again', now)).toEqual([]);
    expect((await s.db.selectFrom('deliveries').select('id').execute()).map((d) => d.id)).toEqual(['dlv_3']);
  });
});
