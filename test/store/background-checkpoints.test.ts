import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { checkpointInBackground } from '../../src/store/checkpoints.js';
import { openStore, type Store } from '../../src/store/index.js';

/**
 * On SQLite the log is copied back into the database file by a second connection in a worker thread, not by
 * whichever commit crosses SQLite's 1,000-page line on the thread serving requests (about 10 ms each time).
 */
describe('background checkpoints on sqlite', () => {
  const dirs: string[] = [];
  const stores: Store[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  function open(): { store: Store; file: string } {
    const dir = mkdtempSync(join(tmpdir(), 'pinion-checkpoints-'));
    dirs.push(dir);
    const file = join(dir, 'pinion.db');
    const store = openStore(`sqlite:${file}`);
    stores.push(store);
    return { store, file };
  }
  const until = async (check: () => boolean, ms: number) => {
    for (const end = Date.now() + ms; !check() && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
    return check();
  };

  it('copies the log into the database file while the main connection leaves it alone', async () => {
    const { store, file } = await open();
    // The main connection checkpoints by itself only past 4,000 pages: a safety net should the thread stop.
    const [setting] = (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db)).rows;
    expect(setting!.wal_autocheckpoint).toBe(4000);
    await sql`create table filler (id integer primary key, body blob)`.execute(store.db);
    // About 1,500 pages of 4 KiB, in commits: under the safety net, so only the thread can copy them back.
    for (let i = 0; i < 15; i++)
      await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < 100) insert into filler (body) select randomblob(4000) from n`.execute(
        store.db,
      );
    expect(await until(() => statSync(file).size > 5_000_000, 5000)).toBe(true);
  });

  it('stops the thread on close, so the last connection removes the log', async () => {
    const { store, file } = await open();
    await sql`create table filler (id integer primary key, body blob)`.execute(store.db);
    await sql`insert into filler (body) values (randomblob(4000))`.execute(store.db);
    expect(existsSync(`${file}-wal`)).toBe(true);
    stores.splice(stores.indexOf(store), 1);
    await store.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('leaves checkpoints to the main connection again when the thread cannot work', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinion-checkpoints-'));
    dirs.push(dir);
    const database = new Database(join(dir, 'main.db'));
    database.pragma('journal_mode = WAL');
    // The thread is pointed at a file that is not there: it fails to open it.
    const checkpoints = checkpointInBackground(database, join(dir, 'missing.db'));
    expect(await until(() => database.pragma('wal_autocheckpoint', { simple: true }) === 1000, 5000)).toBe(true);
    await checkpoints.stop();
    database.close();
  });
});
