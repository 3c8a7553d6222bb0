/**
 * `npm run bench` (BENCH_QUICK=1 for a smaller, faster run; names to run only some, e.g.
 * `npm run bench -- ingest dispatch`). Each bench runs in its own process, so its peak RSS is its
 * own, against one throwaway PostgreSQL server started here and stopped at the end.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startPostgres, type PgCluster } from './lib/pg.js';
import { QUICK, table } from './lib/report.js';

const BENCHES: Array<{ name: string; file: string; args: string[]; postgres: boolean }> = [
  { name: 'ingest', file: 'ingest.ts', args: [], postgres: false },
  { name: 'import', file: 'import.ts', args: [], postgres: false },
  { name: 'dispatch', file: 'dispatch.ts', args: [], postgres: true },
  { name: 'workers', file: 'workers.ts', args: [], postgres: true },
  { name: 'scale-postgres', file: 'scale.ts', args: ['postgres'], postgres: true },
  { name: 'scale-sqlite', file: 'scale.ts', args: ['sqlite'], postgres: false },
];

/** With PINION_BENCH_BUILD=1 in env, lib/built.mjs makes the bench's Pinion code the build's (dist/), as users run it. */
const BUILT = fileURLToPath(new URL('./lib/built.mjs', import.meta.url));

function runChild(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', BUILT, fileURLToPath(new URL(file, import.meta.url)), ...args], {
      stdio: 'inherit',
      env,
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function serverVersion(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ server_version: string }>('show server_version')).rows[0]!.server_version;
  } finally {
    await c.end();
  }
}

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !BENCHES.some((b) => b.name === w || b.name.startsWith(`${w}-`)));
  if (unknown.length) throw new Error(`unknown bench ${unknown.join(', ')}; choose from ${BENCHES.map((b) => b.name).join(', ')}`);
  const selected = wanted.length ? BENCHES.filter((b) => wanted.some((w) => b.name === w || b.name.startsWith(`${w}-`))) : BENCHES;

  const started = Date.now();
  console.log(`Pinion benchmarks, ${QUICK ? 'QUICK (BENCH_QUICK=1)' : 'full'} run, ${new Date(started).toISOString()}`);
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'pinion-bench-'));
  const results = join(dir, 'results.jsonl');
  let cluster: PgCluster | undefined;
  const stop = () => cluster?.stop();
  // Whatever happens, the throwaway server goes away with the run.
  process.once('SIGINT', () => (stop(), process.exit(130)));
  process.once('SIGTERM', () => (stop(), process.exit(143)));
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_RESULTS: results };
  if (process.env.BENCH_FROM_SOURCE === '1') console.log('code measured: the TypeScript sources, as tsx loads them (BENCH_FROM_SOURCE=1)');
  else {
    // What users run (npm start, the pinion command) is the build: measure that, built now from these sources.
    if (spawnSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] }).status !== 0) throw new Error('npm run build failed');
    env.PINION_BENCH_BUILD = '1';
    console.log('code measured: the build (dist/, made now by npm run build), as npm start runs it; BENCH_FROM_SOURCE=1 measures the sources');
  }
  const times: string[][] = [['bench', 'status', 'wall time']];
  let failures = 0;
  try {
    if (selected.some((b) => b.postgres) && !process.env.BENCH_PG_URL) {
      cluster = await startPostgres();
      env.BENCH_PG_URL = cluster.url;
      env.BENCH_PG_SETTINGS = cluster.settings;
      console.log(`postgres: ${await serverVersion(cluster.url)} throwaway cluster on ${new URL(cluster.url).host} (${cluster.settings})`);
    }
    for (const b of selected) {
      const t = Date.now();
      const code = await runChild(b.file, b.args, env);
      if (code !== 0) failures++;
      times.push([b.name, code === 0 ? 'ok' : `FAILED (exit ${code})`, `${((Date.now() - t) / 1000).toFixed(0)} s`]);
    }
  } finally {
    stop();
  }

  const rows = [['bench', 'figure', 'value']];
  if (existsSync(results)) {
    for (const line of readFileSync(results, 'utf8').split('\n').filter(Boolean)) {
      const r = JSON.parse(line) as { bench: string; figure: string; value: string };
      rows.push([r.bench, r.figure, r.value]);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  console.log('\n================================================================');
  table('Summary (every figure measured in this run)', rows, 3);
  times.push(['total', failures ? `${failures} failed` : 'ok', `${((Date.now() - started) / 1000).toFixed(0)} s`]);
  table('Wall time', times);
  // Other work on the machine skews every figure; the load average says whether there was any.
  console.log(
    `\nload average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  return failures ? 1 : 0;
}

process.exitCode = await main();
