/**
 * `npm run chaos [-- --posts N] [--quick] [--store postgres|sqlite|both] [--seed S]`: posts over
 * several sandbox accounts, published by `pinion worker` processes that are killed with SIGKILL
 * and restarted while the sandbox fails, hangs, drops answers and rate limits, and while posts are
 * edited and cancelled. First 3 workers on PostgreSQL (a throwaway cluster unless
 * --postgres-url / $CHAOS_PG_URL names a server), then 1 on SQLite. Exits 1 on any lost or
 * duplicated post (or one cancelled yet pinned, or pinned with other text than was sent).
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startThrowawayPostgres, type PgCluster } from '../test/setup/pg-cluster.js';
import { runPhase, type PhaseResult } from './lib/phase.js';
import { exitCode, printReport } from './lib/report.js';
import { chaosSettings } from './lib/settings.js';

const USAGE = `Usage: npm run chaos -- [--posts N] [--quick] [--store postgres|sqlite|both] [--seed S] [--accounts N] [--postgres-url URL]`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      posts: { type: 'string', default: '1000' },
      quick: { type: 'boolean', default: false },
      store: { type: 'string', default: 'both' },
      seed: { type: 'string' },
      accounts: { type: 'string', default: '5' },
      'postgres-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return (console.log(USAGE), 0);
  const posts = Number(values.posts);
  const accounts = Number(values.accounts);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  if (!Number.isInteger(posts) || posts < 1) throw new Error(`--posts must be a positive whole number (got ${values.posts})\n${USAGE}`);
  if (!Number.isInteger(accounts) || accounts < 1 || accounts > 50) throw new Error(`--accounts must be 1 to 50 (got ${values.accounts})\n${USAGE}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number (got ${values.seed})\n${USAGE}`);
  if (!['postgres', 'sqlite', 'both'].includes(values.store!)) throw new Error(`--store must be postgres, sqlite or both (got ${values.store})\n${USAGE}`);
  const settings = chaosSettings({ posts, quick: values.quick!, seed, accounts });

  const started = Date.now();
  console.log(`Pinion chaos run: ${posts} posts over ${accounts} accounts${values.quick ? ' (quick)' : ''}, seed ${seed}, ${new Date(started).toISOString()}`);
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; node ${process.version}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const f = settings.faults;
  console.log(
    `sandbox faults on every /v5 call: ${f.errorRate! * 100} % 5xx, ${f.timeoutRate! * 100} % hang ${f.hangMs} ms then drop, ${f.dropAfterCommitRate! * 100} % of writes done then dropped, ${f.latencyMs} ms latency; ` +
      `org_write ${settings.sandboxWriteLimit.limit}/${settings.sandboxWriteLimit.windowSeconds} s per user against Pinion's ${settings.writeBudgetPerMinute}/min`,
  );

  let cluster: PgCluster | undefined;
  // Whatever happens, the throwaway server goes away with the run (and the workers with it: see workers.ts).
  process.once('SIGINT', () => (cluster?.stop(), process.exit(130)));
  process.once('SIGTERM', () => (cluster?.stop(), process.exit(143)));
  const results: PhaseResult[] = [];
  const progress = (line: string) => console.log(`  ${line}`);
  try {
    if (values.store !== 'sqlite') {
      let adminUrl = values['postgres-url'] ?? process.env.CHAOS_PG_URL;
      if (!adminUrl) {
        cluster = await startThrowawayPostgres('-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200', 'pinion-chaos-pg');
        adminUrl = cluster.url;
      }
      results.push(await runPhase(settings, { store: 'postgres', workers: 3, postgresAdminUrl: adminUrl }, progress));
    }
    if (values.store !== 'postgres') results.push(await runPhase(settings, { store: 'sqlite', workers: 1 }, progress));
  } finally {
    cluster?.stop();
  }
  printReport(results);
  const code = exitCode(results);
  console.log(
    `\n${code ? 'FAILED: Pinion lost or duplicated posts' : 'OK: every post published at most once, none lost'}; ${((Date.now() - started) / 1000).toFixed(0)} s in all; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  return code;
}

try {
  process.exitCode = await main();
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 2;
}
