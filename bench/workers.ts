/**
 * How dispatch scales on PostgreSQL: with 10,000 accounts instead of the dispatch bench's 1,000
 * (as many pacing rows as a large instance keeps), and with 1 to 5 worker processes on one server.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  sql,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import { budgetCategory } from '../src/budgets/index.js';
import { publishPass } from '../src/scheduler/index.js';
import { Worker } from '../src/shared/index.js';
import { migrateToLatest, openStore, type Store } from '../src/store/index.js';
import { backendCpuMeter, benchPostgres, createDatabase } from './lib/pg.js';
import { countingLogger, insertDeliveries, noopPublisher, passOptions, seedAccounts } from './lib/pinion-db.js';
import { QUICK, elapsed, ms, num, percentile, ratio, record, table } from './lib/report.js';
import type { WorkerReport } from './lib/worker-process.js';

const JOBS = Number(process.env.BENCH_WORKERS_JOBS ?? (QUICK ? 10_000 : 50_000));
const ACCOUNTS = [1_000, 10_000];
const PROCESSES = [1, 2, 3, 4, 5];
/** As in the dispatch bench: per worker, concurrency 32 and a pool of 10; poll 1000 ms. */
const CONCURRENCY = 32;
const POLL_MS = 1000;
const DB = 'bench_workers';
const TIMEOUT_MS = 15 * 60_000;

/**
 * Times every upsert of a pacing row (the per-account budget check, one statement per claimed batch): on PostgreSQL
 * it is usually the raw statement that also records the attempts (startAttempts), so that whole statement is timed.
 */
class PacingTimer implements KyselyPlugin {
  readonly samples: number[] = [];
  private readonly starts = new WeakMap<object, bigint>();
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node;
    // The raw statement (startAttempts) embeds the upsert built with Kysely, so the table's name is not in its text:
    // it is told by how its text starts. (A JSON dump of every raw statement, as this did before, also dumped each
    // publish's per-delivery JSON parameter: work in the measured pass that the product does not do.)
    const paces =
      (node.kind === 'InsertQueryNode' && JSON.stringify(node.into).includes('"rate_pacing"')) ||
      (node.kind === 'RawNode' && node.sqlFragments[0]!.startsWith('with paced as'));
    if (paces) this.starts.set(args.queryId, process.hrtime.bigint());
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const start = this.starts.get(args.queryId);
    if (start !== undefined) this.samples.push(elapsed(start));
    return args.result;
  }
}

/** The queue, and a pacing row per account as after earlier publishes (so the run updates rows instead of inserting them). */
async function loadQueue(setup: Store, seed: { workspaceId: string; accountIds: string[] }): Promise<void> {
  await sql`truncate deliveries, posts, rate_pacing cascade`.execute(setup.db);
  await sql`insert into rate_pacing (account_id, category, next_slot_at) select a, ${budgetCategory('pinterest', noopPublisher().rateCategory)}, 0 from unnest(${seed.accountIds}::text[]) as a`.execute(
    setup.db,
  );
  const due = Date.now() - 60_000;
  await insertDeliveries(setup, { ...seed, count: JOBS, scheduledAt: (i) => due + Math.floor(i / 100) });
  await sql`analyze deliveries, posts`.execute(setup.db);
}

async function published(setup: Store): Promise<{ n: number; last: number }> {
  const r = await sql<{
    n: number;
    last: number | null;
  }>`select count(*)::int as n, max(published_at) as last from deliveries where status = 'published'`.execute(setup.db);
  return { n: r.rows[0]!.n, last: Number(r.rows[0]!.last ?? 0) };
}

/** One worker in this process, deliveries round robin over `accounts` accounts. */
async function accountsRun(url: string, setup: Store, seed: { workspaceId: string; accountIds: string[] }, accounts: number) {
  await loadQueue(setup, { ...seed, accountIds: seed.accountIds.slice(0, accounts) });
  const store = openStore(url, { poolSize: 10 });
  const timer = new PacingTimer();
  const publisher = noopPublisher();
  const { log, lines } = countingLogger();
  let done = 0;
  const worker = new Worker(
    [
      publishPass(
        passOptions(store, {
          db: store.db.withPlugin(timer),
          publisher,
          log,
          concurrency: CONCURRENCY,
          pollIntervalMs: POLL_MS,
          onPublished: () => void done++,
        }),
      ),
    ],
    log,
  );
  const pgMeter = backendCpuMeter(DB);
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  worker.start();
  const end = Date.now() + TIMEOUT_MS;
  while (done < JOBS && Date.now() < end) await new Promise((r) => setTimeout(r, 2));
  const seconds = elapsed(start) / 1000;
  const used = process.cpuUsage(cpu0);
  const pg = pgMeter();
  await worker.stop();
  await store.close();
  const p = await published(setup);
  if (p.n !== JOBS || publisher.calls !== JOBS) throw new Error(`${accounts} accounts: ${p.n} published rows, ${publisher.calls} calls, expected ${JOBS}`);
  if (lines.length) throw new Error(`the publish pass logged ${lines.length} warnings/errors, first: ${lines[0]}`);
  const node = (used.user + used.system) / 1e6;
  return { accounts, perSecond: JOBS / seconds, cpuPerJob: ((node + pg) * 1000) / JOBS, pacing: timer.samples };
}

function startProcess(url: string): Promise<{ child: ChildProcess; report(): Promise<WorkerReport> }> {
  const child = fork(fileURLToPath(new URL('./lib/worker-process.ts', import.meta.url)), [], {
    // This process's loaders (tsx, and lib/built.mjs when the build is measured).
    execArgv: process.execArgv,
    env: { ...process.env, BENCH_WORKER_DB_URL: url, BENCH_WORKER_CONCURRENCY: String(CONCURRENCY), BENCH_WORKER_POLL_MS: String(POLL_MS) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const report = new Promise<WorkerReport>((resolve, reject) => {
    child.on('message', (m) => typeof m === 'object' && resolve(m as WorkerReport));
    child.on('exit', (code) => reject(new Error(`a worker process exited (${code}) without a report`)));
  });
  report.catch(() => {});
  return new Promise((resolve, reject) => {
    child.once('message', (m) => (m === 'ready' ? resolve({ child, report: () => report }) : reject(new Error(`unexpected message ${JSON.stringify(m)}`))));
    child.once('exit', (code) => reject(new Error(`a worker process exited (${code}) before it was ready`)));
  });
}

/** `n` worker processes, each with its own store, pass and lease owner, draining the same queue. */
async function processesRun(url: string, setup: Store, seed: { workspaceId: string; accountIds: string[] }, n: number) {
  await loadQueue(setup, { ...seed, accountIds: seed.accountIds.slice(0, 1000) });
  const workers = await Promise.all(Array.from({ length: n }, () => startProcess(url)));
  const pgMeter = backendCpuMeter(DB);
  const start = Date.now();
  for (const w of workers) w.child.send('go');
  const end = start + TIMEOUT_MS;
  // The finish is read from the rows (the last published_at), so this poll only needs to notice it.
  let p = await published(setup);
  while (p.n < JOBS && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250));
    p = await published(setup);
  }
  const pg = pgMeter();
  for (const w of workers) w.child.send('stop');
  const reports = await Promise.all(workers.map((w) => w.report()));
  const calls = reports.reduce((a, r) => a + r.published, 0);
  if (p.n !== JOBS || calls !== JOBS) throw new Error(`${n} processes: ${p.n} published rows, ${calls} publishes reported, expected ${JOBS}`);
  const warnings = reports.flatMap((r) => r.warnings);
  if (warnings.length) throw new Error(`a worker process logged warnings/errors, first: ${warnings[0]}`);
  const seconds = (p.last - start) / 1000;
  const node = reports.reduce((a, r) => a + r.cpuSeconds, 0);
  return {
    n,
    perSecond: JOBS / seconds,
    nodeCpu: node / seconds,
    pgCpu: pg / seconds,
    cpuPerJob: ((node + pg) * 1000) / JOBS,
    each: reports.map((r) => r.published),
  };
}

async function main(): Promise<void> {
  const server = await benchPostgres();
  try {
    const url = await createDatabase(server.adminUrl, DB);
    const setup = openStore(url, { poolSize: 2 });
    await migrateToLatest(setup);
    const seed = await seedAccounts(setup.db, Math.max(...ACCOUNTS));
    console.log(`\n== Workers: ${num(JOBS)} due deliveries per run on PostgreSQL, no-op publisher`);
    console.log(`   server: ${server.settings}`);
    console.log(`   per worker: concurrency ${CONCURRENCY}, pool 10, poll ${POLL_MS} ms; budget 1e9/s per account`);

    const byAccounts = [];
    for (const a of ACCOUNTS) byAccounts.push(await accountsRun(url, setup, seed, a));
    const base = byAccounts[0]!;
    const rows = [['accounts (round robin)', 'throughput', 'vs 1,000', 'CPU per job', 'pacing upsert p50', 'p99', 'n']];
    for (const r of byAccounts)
      rows.push([
        num(r.accounts),
        `${num(r.perSecond)}/s`,
        ratio(r.perSecond, base.perSecond),
        ms(r.cpuPerJob, 3),
        ms(percentile(r.pacing, 50), 2),
        ms(percentile(r.pacing, 99), 2),
        num(r.pacing.length),
      ]);
    table('One worker in-process, by number of accounts (each account has its own pacing row)', rows);
    for (const r of byAccounts.slice(1)) {
      record(
        'workers',
        `1 worker, ${num(r.accounts)} accounts`,
        `${num(r.perSecond)}/s (${ratio(r.perSecond, base.perSecond)} of 1,000 accounts), pacing upsert p99 ${ms(percentile(r.pacing, 99), 2)}`,
      );
    }

    const runs = [];
    for (const n of PROCESSES) runs.push(await processesRun(url, setup, seed, n));
    const one = runs[0]!;
    const prows = [['worker processes', 'throughput', 'vs 1 process', 'node CPU', 'PG CPU', 'CPU per job', 'published by each']];
    for (const r of runs) {
      prows.push([
        String(r.n),
        `${num(r.perSecond)}/s`,
        ratio(r.perSecond, one.perSecond),
        `${(r.nodeCpu * 100).toFixed(0)}%`,
        `${(r.pgCpu * 100).toFixed(0)}%`,
        ms(r.cpuPerJob, 3),
        r.each.map((x) => num(x)).join(' / '),
      ]);
      record('workers', `${r.n} worker process${r.n > 1 ? 'es' : ''}`, `${num(r.perSecond)}/s (${ratio(r.perSecond, one.perSecond)} of 1)`);
    }
    table('Worker processes on one PostgreSQL (CPU as a share of one core: all worker processes, and the database backends)', prows);
    await setup.close();
  } finally {
    server.release();
  }
}

await main();
