import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { migrateToLatest, openStore, type Dialect, type OpenStoreOptions, type Store } from '../../src/store/index.js';
import { createDatabase, dropDatabase } from '../setup/pg-cluster.js';

/** Both stores every store and scheduler test runs against. */
export const DIALECTS: Dialect[] = ['sqlite', 'postgres'];

/** A fresh, empty database of the given kind; `drop` removes it. */
export async function freshDatabaseUrl(dialect: Dialect): Promise<{ url: string; drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'pinion-sqlite-'));
    return { url: `sqlite:${join(dir, 'pinion.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = inject('postgresUrl');
  const name = `pinion_test_${randomBytes(6).toString('hex')}`;
  return { url: await createDatabase(admin, name), drop: () => dropDatabase(admin, name) };
}

/**
 * Fresh migrated stores of one kind for a test file: `open()` gives one, and `closeAll()` (in afterEach)
 * closes each and drops its database.
 */
export function freshStores(dialect: Dialect): { open(options?: OpenStoreOptions): Promise<Store>; closeAll(): Promise<void> } {
  const cleanup: Array<() => Promise<void>> = [];
  return {
    async open(options?: OpenStoreOptions) {
      const db = await freshDatabaseUrl(dialect);
      cleanup.push(db.drop);
      const store = openStore(db.url, options);
      cleanup.push(() => store.close());
      await migrateToLatest(store);
      return store;
    },
    async closeAll() {
      while (cleanup.length) await cleanup.pop()!();
    },
  };
}
