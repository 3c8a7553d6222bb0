import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { claimDeliveries, insertDeliveries } from '../../src/scheduler/index.js';
import { takeFollowUps } from '../../src/scheduler/follow-ups.js';
import type { Store } from '../../src/store/index.js';
import { freshStores } from '../helpers/stores.js';
import { newDeliveryRow, postRow, seedAccounts } from '../helpers/rows.js';

/**
 * On PostgreSQL the publish path's statements are named prepared statements (parsed and planned once per
 * connection). One prepared before another process migrated `deliveries` must still run, not fail on every claim.
 */
describe('prepared statements on postgres', () => {
  const stores = freshStores('postgres');
  afterEach(() => stores.closeAll());

  async function store(preparedStatements?: boolean): Promise<{ s: Store; now: number; due(id: string): Promise<void> }> {
    // One connection, so every statement goes through the same one and meets what it prepared before.
    const s = await stores.open({ poolSize: 1, ...(preparedStatements !== undefined && { preparedStatements }) });
    const now = Date.now();
    await seedAccounts(s.db, ['acc_1'], now);
    const due = async (id: string) => {
      await s.db
        .insertInto('posts')
        .values(postRow(`post_${id}`, now))
        .execute();
      await insertDeliveries(s.db, [newDeliveryRow(id, { post_id: `post_${id}`, account_id: 'acc_1', now })]);
    };
    return { s, now, due };
  }
  /** How often PostgreSQL planned each of Pinion's prepared statements on this connection, generic and custom. */
  const plansOf = async (s: Store) =>
    (
      await sql<{
        generic_plans: string;
        custom_plans: string;
      }>`select generic_plans, custom_plans from pg_prepared_statements where name like 'pinion_%'`.execute(s.db)
    ).rows.map((r) => ({ generic_plans: Number(r.generic_plans), custom_plans: Number(r.custom_plans) }));
  const prepared = async (s: Store) =>
    (await sql<{ name: string }>`select name from pg_prepared_statements`.execute(s.db)).rows.map((r) => r.name).filter((n) => n.startsWith('pinion_'));

  it('prepares the claim once per connection and runs it again from there', async () => {
    const { s, now, due } = await store();
    await due('dlv_1');
    await due('dlv_2');
    expect((await claimDeliveries(s.db, 'postgres', { owner: 'w1', leaseMs: 60_000, limit: 1, now })).map((d) => d.id)).toEqual(['dlv_1']);
    expect((await claimDeliveries(s.db, 'postgres', { owner: 'w1', leaseMs: 60_000, limit: 1, now })).map((d) => d.id)).toEqual(['dlv_2']);
    expect(await prepared(s)).toHaveLength(1);
  });

  it('prepares the claim again when a migration changed the columns it returns, and the claim still succeeds', async () => {
    const { s, now, due } = await store();
    await due('dlv_1');
    await claimDeliveries(s.db, 'postgres', { owner: 'w1', leaseMs: 60_000, limit: 1, now });
    // As another process upgrading the schema would, while this one runs.
    await sql`alter table deliveries add column later_column text`.execute(s.db);
    await due('dlv_2');
    const claimed = await claimDeliveries(s.db, 'postgres', { owner: 'w1', leaseMs: 60_000, limit: 1, now });
    expect(claimed.map((d) => [d.id, d.status])).toEqual([['dlv_2', 'publishing']]);
    expect(await prepared(s)).toHaveLength(2);
  });

  it('prepares nothing when told not to (a pooler that keeps no prepared statements)', async () => {
    const { s, now, due } = await store(false);
    await due('dlv_1');
    expect(await claimDeliveries(s.db, 'postgres', { owner: 'w1', leaseMs: 60_000, limit: 1, now })).toHaveLength(1);
    expect(await prepared(s)).toEqual([]);
  });

  it('keeps one plan for the claim instead of planning it on every poll', async () => {
    const { s, now } = await store();
    // A backlog due later, so nothing is due now: the idle poll, the call a worker makes most. With its limits
    // computed in SQL PostgreSQL planned this claim anew on each call (custom plans only, never a generic one).
    // (20,000 rows: with a few hundred the old statement's generic plan was cheap enough to be kept.)
    await sql`insert into posts (id, workspace_id, status, request, scheduled_at, created_at, updated_at)
      select 'post_' || i, 'ws_1', 'scheduled', '{}', ${now}::bigint + i * 60000, ${now}::bigint, ${now}::bigint from generate_series(1, 20000) i`.execute(
      s.db,
    );
    await sql`insert into deliveries (id, post_id, workspace_id, account_id, platform, status, payload, duplicate_key, scheduled_at, run_at, created_at, updated_at)
      select 'dlv_' || i, 'post_' || i, 'ws_1', 'acc_1', 'pinterest', 'scheduled', '{}', '', ${now}::bigint + 3600000 + i * 60000, ${now}::bigint + 3600000 + i * 60000, ${now}::bigint, ${now}::bigint
      from generate_series(1, 20000) i`.execute(s.db);
    await sql`analyze deliveries`.execute(s.db);
    for (let i = 0; i < 10; i++) expect(await claimDeliveries(s.db, 'postgres', { owner: 'w1', leaseMs: 60_000, limit: 8, now })).toEqual([]);
    const plans = await plansOf(s);
    expect(plans).toHaveLength(1);
    expect(plans[0]!.generic_plans).toBeGreaterThanOrEqual(4);
    expect(plans[0]!.custom_plans).toBeLessThanOrEqual(6);
  });

  it("keeps one plan for the pass's look for follow-ups, asked after every run, instead of planning it each time", async () => {
    const { s, now } = await store();
    for (let i = 0; i < 10; i++) expect(await takeFollowUps(s.db, 'postgres', now, 8)).toEqual([]);
    const plans = await plansOf(s);
    expect(plans).toHaveLength(1);
    expect(plans[0]!.generic_plans).toBeGreaterThanOrEqual(4);
  });
});
