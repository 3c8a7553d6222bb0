import type { Insertable, Kysely } from 'kysely';
import { insertDeliveries } from '../../src/scheduler/index.js';
import type { Database } from '../../src/store/index.js';

type AccountInsert = Insertable<Database['accounts']>;

/**
 * An accounts row for tests that write the store directly (claims, migrations): an active account
 * with no tokens, every column given so the insert is the same on SQLite and PostgreSQL.
 */
export function accountRow(row: Pick<AccountInsert, 'id' | 'workspace_id'> & Partial<AccountInsert> & { now: number }): AccountInsert {
  const { now, ...given } = row;
  return {
    platform: 'pinterest',
    external_id: given.id,
    username: given.id,
    display_name: null,
    avatar_url: null,
    account_type: null,
    status: 'active',
    scopes: '',
    access_token: null,
    refresh_token: null,
    access_expires_at: null,
    refresh_expires_at: null,
    token_version: 0,
    refresh_lock_until: null,
    refresh_lock_owner: null,
    refreshed_at: null,
    last_error: null,
    boards_fetched_at: null,
    created_at: now,
    updated_at: now,
    ...given,
  };
}

/** A new Pinterest delivery of workspace ws_1 made `now`, due `at` (now unless given), for insertDeliveries in tests that write the store directly. */
export const newDeliveryRow = (id: string, row: { post_id: string; account_id: string; now: number; at?: number }) => ({
  id,
  post_id: row.post_id,
  workspace_id: 'ws_1',
  account_id: row.account_id,
  platform: 'pinterest',
  payload: '{}',
  scheduled_at: row.at ?? row.now,
  run_at: row.at ?? row.now,
  created_at: row.now,
  updated_at: row.now,
});

/** A scheduled post of workspace ws_1 with an empty request, for tests that write deliveries directly. */
export const postRow = (id: string, now: number): Insertable<Database['posts']> => ({
  id,
  workspace_id: 'ws_1',
  status: 'scheduled',
  request: '{}',
  scheduled_at: now,
  timezone: null,
  idempotency_key: null,
  request_hash: null,
  created_at: now,
  updated_at: now,
});

/** Workspace ws_1 and the accounts named in it, made `now`: what a delivery written straight into the store needs. */
export async function seedAccounts(db: Kysely<Database>, accounts: readonly string[], now: number): Promise<void> {
  await db.insertInto('workspaces').values({ id: 'ws_1', name: 'w', created_at: now }).execute();
  for (const account of accounts)
    await db
      .insertInto('accounts')
      .values(accountRow({ id: account, workspace_id: 'ws_1', now }))
      .execute();
}

/**
 * Workspace ws_1, the accounts named, one post per delivery and the deliveries (`[id, account id]`), each due `at`
 * (now unless given): the start of tests that claim deliveries straight from the store.
 */
export async function seedDeliveries(db: Kysely<Database>, deliveries: ReadonlyArray<readonly [string, string]>, now: number, at?: number): Promise<void> {
  await seedAccounts(db, [...new Set(deliveries.map(([, a]) => a))], now);
  for (const [id] of deliveries)
    await db
      .insertInto('posts')
      .values(postRow(`post_${id}`, now))
      .execute();
  await insertDeliveries(
    db,
    deliveries.map(([id, account]) => newDeliveryRow(id, { post_id: `post_${id}`, account_id: account, now, at })),
  );
}
