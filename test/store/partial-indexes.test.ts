import { CompiledQuery, type Kysely, type KyselyPlugin, type RootOperationNode, type QueryId } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { metricsReport } from '../../src/analytics/index.js';
import { createCampaign, listCampaigns, type PostDeps } from '../../src/posts/index.js';
import { ensureWorkspace } from '../../src/workspaces/index.js';
import { claimDeliveries } from '../../src/scheduler/index.js';
import { takeFollowUps } from '../../src/scheduler/follow-ups.js';
import type { Database, Dialect } from '../../src/store/index.js';
import { DIALECTS, freshStores } from '../helpers/stores.js';
import { seedDeliveries } from '../helpers/rows.js';

/** Records every query a function sends, to ask the store how it would run each one. */
class Recorder implements KyselyPlugin {
  readonly queries: Array<{ node: RootOperationNode; queryId: QueryId }> = [];
  transformQuery(args: { node: RootOperationNode; queryId: QueryId }): RootOperationNode {
    this.queries.push(args);
    return args.node;
  }
  async transformResult<R>(args: { result: R }): Promise<R> {
    return args.result;
  }
}

/** The plan of each query `run` sends, one text per query (SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN with sequential scans priced out). */
async function plansOf(db: Kysely<Database>, dialect: Dialect, run: (db: Kysely<Database>) => Promise<unknown>): Promise<string[]> {
  const recorder = new Recorder();
  await run(db.withPlugin(recorder));
  const plans: string[] = [];
  for (const { node, queryId } of recorder.queries) {
    const compiled = db.getExecutor().compileQuery(node, queryId);
    if (/^(begin|commit|rollback)/i.test(compiled.sql)) continue;
    if (dialect === 'sqlite') {
      // A statement compiled once (store/compiled.ts) keeps placeholders for its values; SQLite plans alike whatever they are.
      const values = compiled.parameters.map((v) => (typeof v === 'object' && v?.constructor.name === 'Slot' ? null : v));
      const r = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, values));
      plans.push(r.rows.map((row) => row.detail).join('\n'));
    } else {
      plans.push(
        await db.transaction().execute(async (trx) => {
          await trx.executeQuery(CompiledQuery.raw('set local enable_seqscan = off'));
          const r = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]));
          return r.rows.map((row) => row['QUERY PLAN']).join('\n');
        }),
      );
    }
  }
  return plans;
}

const uses = (plans: string[], index: string) => plans.some((p) => p.includes(index));
const fullScans = (plans: string[], table: string) => plans.filter((p) => new RegExp(`(^|\\n)\\s*(SCAN ${table}(\\n|$)|.*Seq Scan on ${table}\\b)`).test(p));

describe.each(DIALECTS)('reads served by partial indexes on %s', (dialect) => {
  const stores = freshStores(dialect);
  afterEach(() => stores.closeAll());

  it('claims find expired leases and owed follow-ups through their indexes and take the picked deliveries by key', async () => {
    const { db } = await stores.open();
    const now = Date.now();
    // A full batch: with a list of eight ids SQLite chose the status index for the UPDATE's status check.
    await seedDeliveries(
      db,
      Array.from({ length: 8 }, (_, i) => [`dlv_${i}`, 'acc_1'] as const),
      now,
      now - 1000,
    );
    const claimed: unknown[] = [];
    const claims = await plansOf(db, dialect, (d) =>
      d.transaction().execute(async (trx) => claimed.push(...(await claimDeliveries(trx, dialect, { owner: 'w', leaseMs: 60_000, limit: 8, now })))),
    );
    expect(claimed).toHaveLength(8);
    const shown = claims.join('\n--\n');
    expect(uses(claims, 'deliveries_lease'), shown).toBe(true);
    expect(uses(claims, 'deliveries_due'), shown).toBe(true);
    expect(fullScans(claims, 'deliveries'), shown).toEqual([]);
    // Not by walking every delivery of a status (what SQLite did when the UPDATE's status check could use an index).
    expect(
      claims.filter((p) => /INDEX \w+ \(status=\?\)$/m.test(p)),
      shown,
    ).toEqual([]);
    const followUps = await plansOf(db, dialect, (d) => takeFollowUps(d, dialect, Date.now(), 10));
    expect(uses(followUps, 'deliveries_follow_up'), followUps.join('\n--\n')).toBe(true);
  });

  it('a metrics report reads published deliveries through an index, with or without a time range', async () => {
    const { db } = await stores.open();
    for (const range of [{}, { from: 0, to: Date.now() }]) {
      const plans = await plansOf(db, dialect, (d) => metricsReport(d, 'ws_1', range));
      expect(fullScans(plans, 'deliveries'), plans.join('\n--\n')).toEqual([]);
    }
  });

  it("campaigns' post counts are read through the campaign index", async () => {
    const { db } = await stores.open();
    const { workspace } = await ensureWorkspace(db, 'default');
    const caller = { deps: { db } as PostDeps, workspaceId: workspace.id, actor: 'key_1' };
    await createCampaign(caller, { name: 'Autumn' });
    const plans = await plansOf(db, dialect, (d) => listCampaigns({ ...caller, deps: { db: d } as PostDeps }, { limit: 10 }));
    expect(uses(plans, 'posts_by_campaign'), plans.join('\n--\n')).toBe(true);
  });
});
