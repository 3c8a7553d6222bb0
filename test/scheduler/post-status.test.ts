import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { summarise, summariseSql } from '../../src/scheduler/post-status.js';
import type { DeliveryStatus } from '../../src/scheduler/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { DIALECTS, freshDatabaseUrl } from '../helpers/stores.js';

const STATUSES: DeliveryStatus[] = ['scheduled', 'publishing', 'awaiting_check', 'published', 'failed', 'cancelled', 'needs_attention'];

/** Every multiset of up to three delivery statuses: what a post's deliveries can be. */
function combinations(): DeliveryStatus[][] {
  const out: DeliveryStatus[][] = [];
  const grow = (from: number, list: DeliveryStatus[]) => {
    if (list.length) out.push(list);
    if (list.length === 3) return;
    for (let k = from; k < STATUSES.length; k++) grow(k, [...list, STATUSES[k]!]);
  };
  grow(0, []);
  return out;
}

/** The SQL the publish pass uses to work out a post's status must say what summarise() says, for every mix of deliveries. */
describe.each(DIALECTS)('the post status worked out in SQL on %s', (dialect) => {
  let store: Store | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await store?.close();
    await drop?.();
  });

  it('agrees with summarise() for every mix of up to three delivery statuses', async () => {
    const db = await freshDatabaseUrl(dialect);
    drop = db.drop;
    store = openStore(db.url);
    const mixes = combinations();
    const rows = mixes.flatMap((statuses, post) => statuses.map((status) => sql`select ${String(post)} as post, ${status} as status`));
    const { rows: got } = await sql<{
      post: string;
      status: string;
    }>`select post, ${summariseSql} as status from (${sql.join(rows, sql` union all `)}) as d group by post`.execute(store.db);
    const bySql = new Map(got.map((r) => [Number(r.post), r.status]));
    expect(mixes.length).toBe(119);
    expect(mixes.map((m, post) => [m.join(','), bySql.get(post)])).toEqual(mixes.map((m) => [m.join(','), summarise(m)]));
  });
});
