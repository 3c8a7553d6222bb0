/**
 * API ingest rate: POST /api/v1/posts on real Pinion over SQLite, against a bare Fastify
 * hello-world route measured the same way in the same run.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import pino from 'pino';
import { generateKeySpec } from '../src/accounts/index.js';
import { startPinion, type PinionInstance } from '../src/cli/instance.js';
import { loadConfig, type Config } from '../src/config/index.js';
import { createLogger } from '../src/observability/index.js';
import { API_SCOPES, createApiKey, ensureWorkspace } from '../src/workspaces/index.js';
import type { LoadJob, LoadMeasuring, LoadSummary } from './load.js';
import { startFloor, type FloorKind } from './lib/ingest-floors.js';
import { connectAccount, ok } from './lib/connect.js';
import { QUICK, mib, ms, num, peakRssBytes, ratio, record, table } from './lib/report.js';

const SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? (QUICK ? 5 : 20));
const WARMUP = QUICK ? 1 : 3;
const CONNECTIONS = 10;

interface Loaded extends LoadSummary {
  /** CPU time this process (the server measured: Pinion, a floor or hello-world) spent in the measured period, in µs. */
  serverCpuMicros: number;
}

/**
 * Runs one load job in a separate process (its own core on this 2-core machine). Every server this
 * bench measures runs in this process, so its CPU time over the measured period is the server's.
 */
function load(job: LoadJob): Promise<Loaded> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./load.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
    let from: NodeJS.CpuUsage | undefined;
    child.on('message', (m) => {
      if ((m as LoadMeasuring).measuring) return void (from = process.cpuUsage());
      const used = process.cpuUsage(from);
      resolve({ ...(m as LoadSummary), serverCpuMicros: used.user + used.system });
    });
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
    child.send(job);
  });
}

/** A local image for media_url, served by a child process; `stop` ends it. */
function imageServer(): Promise<{ url: string; bytes: number; stop(): void }> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./lib/image-server.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
    child.once('message', (m) => resolve({ ...(m as { url: string; bytes: number }), stop: () => child.kill() }));
    child.once('error', reject);
  });
}

interface Measured {
  load: Loaded;
  rows?: number;
  /** Pinion's own GET /healthz on the same instance: what its HTTP stack costs with no key, body or store. */
  floor?: Loaded;
}

/** CPU per answered request, in µs: the server's (per 2xx) and the load generator's (per response). */
const serverCpu = (l: Loaded) => l.serverCpuMicros / l.ok;
const loadCpu = (l: Loaded) => l.cpuMicros / (l.ok + l.non2xx);

/**
 * Pinion's media settings for one run: `checkPostUrls` (check media_url when a post is made: now the
 * cheap checks and a kept probe, the fetch and decode in the background preflight) is a newer setting,
 * so it is set only where this version of Pinion has it.
 */
function mediaSettings(defaults: Config['media'], checkUrls: boolean): Config['media'] {
  const media: Record<string, unknown> = { ...defaults, fetchAllowHosts: ['127.0.0.1'] };
  if ('checkPostUrls' in defaults) media.checkPostUrls = checkUrls;
  return media as Config['media'];
}

/** The pin every POST sends (Pinion's and the floors'). */
function postBody(mediaUrl: string): string {
  return JSON.stringify({
    content: 'A pin scheduled by the ingest benchmark, with a description of a usual length.',
    platforms: ['pinterest'],
    media_url: mediaUrl,
    link: 'https://shop.example/products/bench',
    scheduled_at: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    platform_options: { pinterest: { board: 'Products', title: 'Bench pin' } },
  });
}

async function measurePinion(mediaUrl: string, checkUrls: boolean, withFloor = false): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'pinion-bench-ingest-'));
  const defaults = loadConfig({ env: {}, file: undefined });
  const config: Config = {
    ...defaults,
    port: 0,
    databaseUrl: `sqlite:${join(dir, 'pinion.db')}`,
    mediaDir: join(dir, 'media'),
    media: mediaSettings(defaults.media, checkUrls),
    encryptionKeys: [generateKeySpec('bench')],
    sandbox: true,
    // The per-key limit (1,200 a minute by default) stays on, so its cost is measured, but high enough never to refuse.
    rateLimitPerMinute: 1_000_000_000,
  };
  // Default log level (info: Fastify logs every request), written to /dev/null as a server would to a file.
  const logger = createLogger(config.logLevel, pino.destination({ dest: '/dev/null', sync: false }));
  const p = await startPinion({ config, api: true, worker: false, migrate: true, logger, sandboxOptions: {} });
  try {
    const { workspace } = await ensureWorkspace(p.store.db, 'default');
    const { key } = await createApiKey(p.store.db, { workspaceId: workspace.id, name: 'bench', scopes: [...API_SCOPES] });
    await connectAccount(p, key, 'shop');
    const body = postBody(mediaUrl);
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    // A dry run fetches and probes the image (where Pinion checks media URLs off the request path, it keeps the
    // probe by URL): the measured POSTs are then judged from it, as posts naming an image seen recently are.
    await ok(await fetch(`${p.url}/api/v1/posts:validate`, { method: 'POST', headers, body }), 'validate');
    await ok(await fetch(`${p.url}/api/v1/posts`, { method: 'POST', headers, body }), 'first post', 201);

    const before = await countPosts(p);
    const result = await load({
      url: `${p.url}/api/v1/posts`,
      method: 'POST',
      headers,
      body,
      connections: CONNECTIONS,
      warmupSeconds: WARMUP,
      seconds: SECONDS,
    });
    const rows = (await countPosts(p)) - before;
    const floor = withFloor
      ? await load({ url: `${p.url}/healthz`, method: 'GET', connections: CONNECTIONS, warmupSeconds: WARMUP, seconds: SECONDS })
      : undefined;
    return { load: result, rows, floor };
  } finally {
    await p.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function countPosts(p: PinionInstance): Promise<number> {
  const r = await p.store.db
    .selectFrom('posts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A floor of POST /posts (see lib/ingest-floors.ts), loaded as Pinion is. */
async function measureFloor(kind: FloorKind, mediaUrl: string): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'pinion-bench-floor-'));
  const floor = await startFloor(kind, dir);
  try {
    const headers = { 'content-type': 'application/json' };
    const result = await load({
      url: `${floor.url}/posts`,
      method: 'POST',
      headers,
      body: postBody(mediaUrl),
      connections: CONNECTIONS,
      warmupSeconds: WARMUP,
      seconds: SECONDS,
    });
    return { load: result, rows: kind === 'stored' ? floor.stored() : undefined };
  } finally {
    await floor.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The floor: Fastify with its defaults (no logger) answering one small JSON object. */
async function measureHelloWorld(): Promise<Measured> {
  const app = Fastify();
  app.get('/', async () => ({ hello: 'world' }));
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    return { load: await load({ url: `${address}/`, method: 'GET', connections: CONNECTIONS, warmupSeconds: WARMUP, seconds: SECONDS }) };
  } finally {
    await app.close();
  }
}

/**
 * What a goal's rate leaves a POST, in CPU time: on one core, and on both cores if a POST's work were
 * spread over them with nothing lost, less what the load generator (on the same two cores) spends per
 * request. Pinion's CPU per POST beside it says how far a goal is from this machine's budget, whatever
 * the design.
 */
function budgets(runs: Array<{ label: string; m: Measured }>, hello: Loaded): void {
  const generator = Math.max(...runs.map((r) => loadCpu(r.m.load)));
  for (const goal of [0.3, 0.15]) {
    const rate = goal * hello.perSecond;
    console.log(
      `   ${goal}× of this run's hello-world is ${num(rate)} req/s: at most ${num(1e6 / rate)} µs of server CPU a POST on one core, ${num(2e6 / rate - generator)} µs on both (the load generator takes ${num(generator)} µs a request of the same two cores)`,
    );
  }
  for (const { label, m } of runs) console.log(`   ${label}: ${num(serverCpu(m.load))} µs of CPU a POST`);
}

async function main(): Promise<void> {
  console.log(`\n== Ingest: POST /api/v1/posts on SQLite vs Fastify hello-world, ${CONNECTIONS} connections, ${SECONDS} s each after ${WARMUP} s warm-up`);
  console.log('   load generator: autocannon in a separate process; Pinion logs at its default level (info) to /dev/null');
  const image = await imageServer();
  const runs: Array<{ label: string; m: Measured }> = [];
  try {
    const checks = 'checkPostUrls' in loadConfig({ env: {}, file: undefined }).media;
    console.log(
      checks
        ? `   media_url: a ${num(image.bytes)}-byte JPEG served by a separate process on 127.0.0.1; with the URL check on (the default) each POST is judged from the probe kept by URL (one validate fetched it); the fetch and decode are the background preflight's (worker off here)`
        : '   media_url: this version of Pinion does not check media URLs when a post is made',
    );
    if (checks) runs.push({ label: 'Pinion POST /posts, URL check off', m: await measurePinion(image.url, false, true) });
    runs.push({ label: checks ? 'Pinion POST /posts, defaults (URL check on)' : 'Pinion POST /posts', m: await measurePinion(image.url, true) });
  } finally {
    image.stop();
  }
  const floors = [
    { label: "Floor: Fastify POST, Pinion's body schema, nothing stored", m: await measureFloor('validated', image.url) },
    { label: 'Floor: the same, post and delivery stored (prepared INSERTs, group commit)', m: await measureFloor('stored', image.url) },
  ];
  const hello = await measureHelloWorld();

  const floor = runs.find((r) => r.m.floor)?.m.floor;
  const shown = [
    ...runs,
    ...floors,
    ...(floor ? [{ label: 'Pinion GET /healthz (no key, body or store)', m: { load: floor } }] : []),
    { label: 'Fastify GET / hello-world', m: hello },
  ];
  const rows = [['route', 'req/s', 'p50', 'p99', '2xx', 'non-2xx', 'errors', 'req/s ÷ hello', 'server CPU', 'load gen CPU']];
  for (const { label, m } of shown) {
    const l = m.load;
    rows.push([
      label,
      num(l.perSecond),
      ms(l.p50, 2),
      ms(l.p99, 2),
      num(l.ok),
      num(l.non2xx),
      num(l.errors + l.timeouts),
      ratio(l.perSecond, hello.load.perSecond),
      `${num(serverCpu(l))} µs`,
      `${num(loadCpu(l))} µs`,
    ]);
  }
  table('Ingest (successful responses per second; latency of 2xx responses; CPU time per request: the server per 2xx, the load generator per response)', rows);
  budgets(runs, hello.load);
  for (const { label, m } of runs) {
    console.log(`   ${label}: ${num(m.rows ?? 0)} posts stored (warm-up included) for ${num(m.load.ok)} 2xx in the measured ${SECONDS} s`);
    if (Object.keys(m.load.statusCodes).some((c) => !c.startsWith('2'))) console.log(`     status codes: ${JSON.stringify(m.load.statusCodes)}`);
  }
  console.log(`   peak RSS of this process (Pinion + sandbox, then the floors and hello-world): ${mib(peakRssBytes())}`);

  for (const { label, m } of runs) {
    record(
      'ingest',
      label,
      `${num(m.load.perSecond)} req/s (${ratio(m.load.perSecond, hello.load.perSecond)} of hello), p50 ${ms(m.load.p50, 2)}, p99 ${ms(m.load.p99, 2)}, ${m.load.non2xx} non-2xx, ${num(serverCpu(m.load))} µs CPU a POST`,
    );
  }
  for (const { label, m } of floors) record('ingest', label, `${num(m.load.perSecond)} req/s (${ratio(m.load.perSecond, hello.load.perSecond)} of hello)`);
  if (floor) record('ingest', 'Pinion GET /healthz', `${num(floor.perSecond)} req/s (${ratio(floor.perSecond, hello.load.perSecond)} of hello)`);
  record('ingest', 'Fastify hello-world', `${num(hello.load.perSecond)} req/s, p50 ${ms(hello.load.p50, 2)}, p99 ${ms(hello.load.p99, 2)}`);
  record('ingest', 'peak RSS (ingest process)', mib(peakRssBytes()));

  for (const { label, m } of [...runs, ...floors]) {
    const failed = m.load.non2xx + m.load.errors + m.load.timeouts;
    if (m.rows !== undefined && m.rows < m.load.ok) throw new Error(`${label}: only ${m.rows} posts stored for ${m.load.ok} 2xx answers`);
    // Most requests failing means the figure measures an error path, not ingest.
    if (failed > m.load.ok) throw new Error(`${label}: most POSTs failed (${failed} failed, ${m.load.ok} succeeded): ${JSON.stringify(m.load.statusCodes)}`);
  }
}

await main();
