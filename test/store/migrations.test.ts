import { afterEach, describe, expect, it } from 'vitest';
import { Migrator, type Kysely } from 'kysely';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { migrateToLatest, openStore, pendingMigrations, type Store } from '../../src/store/index.js';
import { DIALECTS, freshDatabaseUrl } from '../helpers/stores.js';
import { accountRow } from '../helpers/rows.js';
import * as accountZone from '../../src/store/migrations/0011_dash_account_zone.js';

describe.each(DIALECTS)('store on %s', (dialect) => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!();
  });
  async function open(url: string): Promise<Store> {
    const store = openStore(url);
    cleanup.push(() => store.close());
    return store;
  }

  it('applies every migration to an empty database, then has none pending', async () => {
    const db = await freshDatabaseUrl(dialect);
    cleanup.push(db.drop);
    const store = await open(db.url);
    expect((await pendingMigrations(store)).length).toBeGreaterThan(0);
    const results = await migrateToLatest(store);
    expect(results.every((r) => r.status === 'Success')).toBe(true);
    expect(await pendingMigrations(store)).toEqual([]);
    expect(await migrateToLatest(store)).toEqual([]);
  });

  it('takes migrations added later under an earlier name (two branches’ 0011s) after later-named ones ran', async () => {
    const db = await freshDatabaseUrl(dialect);
    cleanup.push(db.drop);
    const store = await open(db.url);
    // A database migrated before the compat migrations existed, with every other one, 0011_retry_… included.
    const before = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => !name.startsWith('0011_compat_')));
    const { error } = await new Migrator({ db: store.db, provider: { getMigrations: async () => before } }).migrateToLatest();
    expect(error).toBeUndefined();
    expect(await pendingMigrations(store)).toEqual(['0011_compat_account_health', '0011_compat_ids']);
    const results = await migrateToLatest(store);
    expect(results.map((r) => [r.migrationName, r.status])).toEqual([
      ['0011_compat_account_health', 'Success'],
      ['0011_compat_ids', 'Success'],
    ]);
    expect(await pendingMigrations(store)).toEqual([]);
  });

  it('lets two processes migrate the same database at once', async () => {
    const db = await freshDatabaseUrl(dialect);
    cleanup.push(db.drop);
    const [a, b] = [await open(db.url), await open(db.url)];
    await Promise.all([migrateToLatest(a), migrateToLatest(b)]);
    expect(await pendingMigrations(a)).toEqual([]);
  });

  it('round-trips epoch milliseconds as numbers', async () => {
    const db = await freshDatabaseUrl(dialect);
    cleanup.push(db.drop);
    const store = await open(db.url);
    await migrateToLatest(store);
    const t = Date.UTC(2031, 0, 2, 3, 4, 5, 678);
    await store.db.insertInto('workspaces').values({ id: 'ws_1', name: 'w', created_at: t }).execute();
    const row = await store.db.selectFrom('workspaces').selectAll().executeTakeFirstOrThrow();
    expect(row.created_at).toBe(t);
  });

  it('gives each account the zone its queue slots already name', async () => {
    const db = await freshDatabaseUrl(dialect);
    cleanup.push(db.drop);
    const store = await open(db.url);
    await migrateToLatest(store);
    const t = Date.UTC(2031, 0, 1);
    await store.db.insertInto('workspaces').values({ id: 'ws_1', name: 'w', created_at: t }).execute();
    const account = (id: string) => accountRow({ id, workspace_id: 'ws_1', expiry_warned_for: null, now: t });
    await store.db
      .insertInto('accounts')
      .values([account('acc_queued'), account('acc_plain')])
      .execute();
    await store.db.insertInto('account_queues').values({ account_id: 'acc_queued', timezone: 'Europe/Paris', slots: '[]', updated_at: t }).execute();
    // As a database migrated before accounts had zones: the column goes, then the migration runs.
    const raw = store.db as unknown as Kysely<unknown>;
    await accountZone.down(raw);
    await accountZone.up(raw);
    const zones = await store.db.selectFrom('accounts').select(['id', 'timezone']).orderBy('id').execute();
    expect(zones).toEqual([
      { id: 'acc_plain', timezone: null },
      { id: 'acc_queued', timezone: 'Europe/Paris' },
    ]);
  });
});
