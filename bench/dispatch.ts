/**
 * Dispatch throughput on PostgreSQL: Pinion's publish pass with a no-op publisher against
 * graphile-worker with a no-op task, same server, same run, same number of jobs.
 */
import { EventEmitter } from 'node:events';
import { Logger, makeWorkerUtils, run, type Runner, type WorkerEvents } from 'graphile-worker';
import { sql } from 'kysely';
import { publishPass } from '../src/scheduler/index.js';
import { Worker } from '../src/shared/index.js';
import { migrateToLatest, openStore, type Store } from '../src/store/index.js';
import { backendCpuMeter, benchPostgres, createDatabase } from './lib/pg.js';
import { countingLogger, insertDeliveries, noopPublisher, passOptions, seedAccounts } from './lib/pinion-db.js';
import { QUICK, elapsed, mib, ms, num, peakRssBytes, ratio, record, table } from './lib/report.js';

const JOBS = Number(process.env.BENCH_DISPATCH_JOBS ?? (QUICK ? 20_000 : 50_000));
const WORKERS = [1, 4];
const CONCURRENCY = 32;
/** Each Pinion worker and each graphile-worker runner gets its own pool of this size: both defaults. */
const POOL = 10;
/** Only matters when a worker runs dry; both use the same. Pinion's default. */
const POLL_MS = 1000;
/**
 * The pacing row is per account: with one account, one publish per millisecond at most and every
 * other claimed delivery would be requeued. A real instance serves many accounts, so the load is
 * spread round robin over 1,000, making pacing almost never the limit (requeues are counted).
 */
const ACCOUNTS = 1000;
const TIMEOUT_MS = 15 * 60_000;

interface Outcome {
  seconds: number;
  /** CPU used while draining, as a share of one core, by this Node process and by its PostgreSQL backends. */
  cpu: number;
  pgCpu: number;
  perSecond: number;
  seedSeconds: number;
  notes: string;
}

const DB = 'bench_dispatch';

/** Starts counting CPU of this process and of the database's backends; the result gives shares of one core. */
function cpuMeter(): (seconds: number) => { cpu: number; pgCpu: number } {
  const node0 = process.cpuUsage();
  const pg = backendCpuMeter(DB);
  return (seconds) => {
    const used = process.cpuUsage(node0);
    return { cpu: (used.user + used.system) / 1e6 / seconds, pgCpu: pg() / seconds };
  };
}

function until(check: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const end = Date.now() + TIMEOUT_MS;
    const timer = setInterval(() => {
      if (check()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() > end) {
        clearInterval(timer);
        reject(new Error(`timed out waiting for ${what}`));
      }
    }, 2);
  });
}

async function runPinion(url: string, setup: Store, seed: { workspaceId: string; accountIds: string[] }, workers: number): Promise<Outcome> {
  await sql`truncate deliveries, posts, webhook_attempts, webhook_deliveries, webhook_events, rate_pacing cascade`.execute(setup.db);
  const seedStart = process.hrtime.bigint();
  const due = Date.now() - 60_000;
  await insertDeliveries(setup, { ...seed, count: JOBS, scheduledAt: (i) => due + Math.floor(i / 100) });
  // Autovacuum would analyze a table this size soon after; without stats the planner guesses.
  await sql`analyze deliveries, posts`.execute(setup.db);
  const seedSeconds = elapsed(seedStart) / 1000;

  const publisher = noopPublisher();
  const { log, lines } = countingLogger();
  let published = 0;
  const stores = Array.from({ length: workers }, () => openStore(url, { poolSize: POOL }));
  // Distinct passes have distinct lease owners, as separate worker processes would.
  const passes = stores.map((store) =>
    publishPass(passOptions(store, { publisher, log, concurrency: CONCURRENCY, pollIntervalMs: POLL_MS, onPublished: () => void published++ })),
  );
  const worker = new Worker(passes, log);
  const start = process.hrtime.bigint();
  const meter = cpuMeter();
  worker.start();
  await until(() => published >= JOBS, `${JOBS} publishes`);
  const seconds = elapsed(start) / 1000;
  const cpu = meter(seconds);
  await worker.stop();
  await Promise.all(stores.map((s) => s.close()));

  const counts = await sql<{ published: number; requeued: number }>`select
      count(*) filter (where status = 'published')::int as published,
      count(*) filter (where run_at <> scheduled_at)::int as requeued
    from deliveries`.execute(setup.db);
  const c = counts.rows[0]!;
  if (c.published !== JOBS || publisher.calls !== JOBS) throw new Error(`Pinion published ${c.published} rows with ${publisher.calls} calls, expected ${JOBS}`);
  if (lines.length) throw new Error(`the publish pass logged ${lines.length} warnings/errors, first: ${lines[0]}`);
  return { seconds, ...cpu, perSecond: JOBS / seconds, seedSeconds, notes: `${c.requeued} requeued by pacing; 0 warnings` };
}

async function runGraphile(url: string, workers: number, tuned: boolean): Promise<Outcome> {
  const errors: string[] = [];
  const logger = new Logger(() => (level, message) => {
    if (level === 'error') errors.push(message);
  });
  const utils = await makeWorkerUtils({ connectionString: url, logger });
  const seedStart = process.hrtime.bigint();
  for (let start = 0; start < JOBS; start += 5000) {
    await utils.addJobs(Array.from({ length: Math.min(5000, JOBS - start) }, (_, k) => ({ identifier: 'noop', payload: { i: start + k } })));
  }
  await utils.withPgClient((c) => c.query('analyze graphile_worker._private_jobs'));
  const seedSeconds = elapsed(seedStart) / 1000;

  const events = new EventEmitter() as WorkerEvents;
  let completed = 0;
  let failed = 0;
  events.on('job:complete', ({ error }) => {
    completed++;
    if (error) failed++;
  });
  const start = process.hrtime.bigint();
  const meter = cpuMeter();
  const runners: Runner[] = await Promise.all(
    Array.from({ length: workers }, () =>
      run({
        connectionString: url,
        concurrency: CONCURRENCY,
        maxPoolSize: POOL,
        pollInterval: POLL_MS,
        noHandleSignals: true,
        logger,
        events,
        taskList: { noop: async () => {} },
        // Batching as graphile-worker's performance docs suggest: fetch a local queue of jobs at once, batch completions.
        ...(tuned && { preset: { worker: { localQueue: { size: CONCURRENCY }, completeJobBatchDelay: 0 } } }),
      }),
    ),
  );
  await until(() => completed >= JOBS, `${JOBS} graphile-worker jobs`);
  const seconds = elapsed(start) / 1000;
  const cpu = meter(seconds);
  await Promise.all(runners.map((r) => r.stop()));
  const left = await utils.withPgClient((c) => c.query<{ n: number }>('select count(*)::int as n from graphile_worker._private_jobs'));
  await utils.release();
  if (failed || left.rows[0]!.n !== 0) throw new Error(`graphile-worker: ${failed} failed jobs, ${left.rows[0]!.n} left in the queue`);
  if (errors.length) throw new Error(`graphile-worker logged ${errors.length} errors, first: ${errors[0]}`);
  return { seconds, ...cpu, perSecond: JOBS / seconds, seedSeconds, notes: tuned ? 'localQueue.size 32, completeJobBatchDelay 0' : 'default settings' };
}

async function main(): Promise<void> {
  const server = await benchPostgres();
  try {
    const url = await createDatabase(server.adminUrl, DB);
    const setup = openStore(url, { poolSize: 2 });
    await migrateToLatest(setup);
    const seed = await seedAccounts(setup.db, ACCOUNTS);
    const migrator = await makeWorkerUtils({ connectionString: url, logger: new Logger(() => () => {}) });
    await migrator.migrate();
    await migrator.release();

    console.log(`\n== Dispatch: ${num(JOBS)} due deliveries (Pinion) vs ${num(JOBS)} jobs (graphile-worker), no-op handlers, PostgreSQL`);
    console.log(`   server: ${server.settings}`);
    console.log(
      `   per worker: concurrency ${CONCURRENCY}, pool ${POOL} connections, poll ${POLL_MS} ms; ${ACCOUNTS} accounts round robin; budget 1e9/s per account`,
    );
    const rows = [['workers', 'Pinion', 'graphile-worker', 'Pinion ÷ graphile', 'graphile tuned', 'Pinion ÷ tuned']];
    const detail = [['run', 'seed', 'drain', 'throughput', 'node CPU', 'PG CPU', 'CPU per job', 'notes']];
    for (const w of WORKERS) {
      const p = await runPinion(url, setup, seed, w);
      const g = await runGraphile(url, w, false);
      const t = await runGraphile(url, w, true);
      rows.push([
        String(w),
        `${num(p.perSecond)}/s`,
        `${num(g.perSecond)}/s`,
        ratio(p.perSecond, g.perSecond),
        `${num(t.perSecond)}/s`,
        ratio(p.perSecond, t.perSecond),
      ]);
      for (const [name, o] of [
        [`Pinion ×${w}`, p],
        [`graphile ×${w}`, g],
        [`graphile tuned ×${w}`, t],
      ] as const) {
        detail.push([
          name,
          `${o.seedSeconds.toFixed(1)} s`,
          `${o.seconds.toFixed(2)} s`,
          `${num(o.perSecond)}/s`,
          `${(o.cpu * 100).toFixed(0)}%`,
          `${(o.pgCpu * 100).toFixed(0)}%`,
          ms(((o.cpu + o.pgCpu) * o.seconds * 1000) / JOBS, 3),
          o.notes,
        ]);
      }
      record('dispatch', `Pinion, ${w} worker(s)`, `${num(p.perSecond)}/s`);
      record('dispatch', `graphile-worker, ${w} runner(s)`, `${num(g.perSecond)}/s (tuned ${num(t.perSecond)}/s)`);
      record('dispatch', `Pinion ÷ graphile-worker, ${w}`, `${ratio(p.perSecond, g.perSecond)} (÷ tuned ${ratio(p.perSecond, t.perSecond)})`);
    }
    table('Dispatch throughput (jobs completed per second, from start of workers to the last completion)', rows);
    table('Dispatch details (CPU as a share of one core while draining; CPU per job = Node + PostgreSQL backends)', detail);
    console.log(`\n   peak RSS of this process: ${mib(peakRssBytes())}`);
    record('dispatch', 'peak RSS (dispatch process)', mib(peakRssBytes()));
    await setup.close();
  } finally {
    server.release();
  }
}

await main();
