/**
 * Bulk import: `pinion import` of a 100,000-row CSV (20,000 quick) into real Pinion over SQLite,
 * the CLI in its own process as a person would run it, timed from start to exit.
 */
import { fork, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { generateKeySpec } from '../src/accounts/index.js';
import { startPinion, type PinionInstance } from '../src/cli/instance.js';
import { loadConfig, type Config } from '../src/config/index.js';
import { createLogger } from '../src/observability/index.js';
import { API_SCOPES, createApiKey, ensureWorkspace } from '../src/workspaces/index.js';
import { connectAccount } from './lib/connect.js';
import { QUICK, mib, num, peakRssBytes, record, table } from './lib/report.js';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? (QUICK ? 20_000 : 100_000));
/** The goal of issue 16: 100,000 rows in under 30 s. */
const GOAL_SECONDS = 30;

/** A local image for media_url, served by a child process (as in the ingest bench). */
function imageServer(): Promise<{ url: string; stop(): void }> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./lib/image-server.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
    child.once('message', (m) => resolve({ ...(m as { url: string }), stop: () => child.kill() }));
    child.once('error', reject);
  });
}

/** A catalogue as a shop would export it: one pin a product, each its own link, spread a minute apart. */
async function writeCsv(file: string, imageUrl: string): Promise<void> {
  const out = createWriteStream(file);
  const start = Date.now() + 7 * 86_400_000;
  out.write('content,platforms,media_url,link,scheduled_at,board,title\n');
  for (let i = 0; i < ROWS; i++) {
    const line = `"Hand-dyed linen apron no. ${i}, with two pockets and long ties",pinterest,${imageUrl},https://shop.example/products/${i},${new Date(start + i * 60_000).toISOString()},Products,Apron ${i}\n`;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** Runs the real CLI (`pinion import`) in its own process; resolves with its progress lines and exit code. */
function runImport(p: PinionInstance, key: string, file: string): Promise<{ code: number; progress: string[]; output: string }> {
  return new Promise((resolve) => {
    // The pinion command as installed (the build) when the build is measured (see lib/built.mjs), else the sources.
    const cli =
      process.env.PINION_BENCH_BUILD === '1'
        ? [fileURLToPath(new URL('../dist/cli/main.js', import.meta.url))]
        : ['--import', 'tsx', fileURLToPath(new URL('../src/cli/main.ts', import.meta.url))];
    const child = spawn(process.execPath, [...cli, 'import', file, '--api-url', p.url, '--key', key], { stdio: ['ignore', 'pipe', 'pipe'] });
    const progress: string[] = [];
    let output = '';
    let partial = '';
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      progress.push(...lines.filter(Boolean));
    });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code: code ?? 1, progress, output }));
  });
}

async function main(): Promise<void> {
  console.log(`\n== Import: pinion import of a ${num(ROWS)}-row CSV into Pinion on SQLite (the CLI in its own process, 500 rows a request)`);
  const dir = mkdtempSync(join(tmpdir(), 'pinion-bench-import-'));
  const image = await imageServer();
  const defaults = loadConfig({ env: {}, file: undefined });
  const config: Config = {
    ...defaults,
    port: 0,
    databaseUrl: `sqlite:${join(dir, 'pinion.db')}`,
    mediaDir: join(dir, 'media'),
    media: { ...defaults.media, fetchAllowHosts: ['127.0.0.1'] },
    // Every row has its own product link, on a shop that does not exist: each would be a failed DNS lookup here.
    links: { ...defaults.links, checkPostLinks: false },
    encryptionKeys: [generateKeySpec('bench')],
    sandbox: true,
  };
  const logger = createLogger(config.logLevel, pino.destination({ dest: '/dev/null', sync: false }));
  const p = await startPinion({ config, api: true, worker: false, migrate: true, logger, sandboxOptions: {} });
  try {
    const { workspace } = await ensureWorkspace(p.store.db, 'default');
    const { key } = await createApiKey(p.store.db, { workspaceId: workspace.id, name: 'bench', scopes: [...API_SCOPES] });
    await connectAccount(p, key, 'shop');
    const file = join(dir, 'catalogue.csv');
    await writeCsv(file, image.url);

    const started = process.hrtime.bigint();
    const run = await runImport(p, key, file);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const stored = Number(
      (
        await p.store.db
          .selectFrom('posts')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const rows = [
      ['figure', 'value'],
      ['rows', num(ROWS)],
      ['wall time', `${seconds.toFixed(1)} s (goal: under ${GOAL_SECONDS} s for 100,000)`],
      ['rows per second', num(ROWS / seconds)],
      ['posts stored', num(stored)],
      ['progress lines', `${num(run.progress.length)} (last: ${run.progress.at(-1) ?? 'none'})`],
    ];
    table('Import (pinion import; media_url checked once per request of 500 rows, link preflight off)', rows);
    console.log(`   peak RSS of this process (Pinion + sandbox): ${mib(peakRssBytes())}`);
    record('import', `pinion import ${num(ROWS)} rows`, `${seconds.toFixed(1)} s (${num(ROWS / seconds)} rows/s), ${num(run.progress.length)} progress lines`);
    record('import', 'peak RSS (import process)', mib(peakRssBytes()));
    if (run.code !== 0) throw new Error(`pinion import exited with ${run.code}: ${run.output}\n${run.progress.slice(-5).join('\n')}`);
    if (stored !== ROWS) throw new Error(`${stored} posts stored for ${ROWS} rows`);
    if (!run.progress.length) throw new Error('pinion import reported no progress');
  } finally {
    await p.close();
    image.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
