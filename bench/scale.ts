/**
 * Claim latency and publish lateness with a million deliveries scheduled ahead, plus peak RSS.
 * Run once per store: `tsx bench/scale.ts postgres` or `tsx bench/scale.ts sqlite`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { claimDeliveries, publishPass } from '../src/scheduler/index.js';
import { Worker } from '../src/shared/index.js';
import { migrateToLatest, openStore, type Dialect, type Store } from '../src/store/index.js';
import { ClaimTimer, type ClaimSample } from './lib/claim-timer.js';
import { benchPostgres, createDatabase } from './lib/pg.js';
import { countingLogger, insertDeliveries, noopPublisher, passOptions, seedAccounts } from './lib/pinion-db.js';
import { QUICK, elapsed, mib, ms, num, peakRssBytes, percentile, record, rssSampler, table } from './lib/report.js';

const dialect = (process.argv[2] ?? 'postgres') as Dialect;
if (dialect !== 'postgres' && dialect !== 'sqlite') throw new Error(`unknown store "${dialect}" (postgres or sqlite)`);

const BACKLOG = Number(process.env.BENCH_SCALE_ROWS ?? (QUICK ? 100_000 : 1_000_000));
/** Deliveries coming due during each measurement window, evenly spaced. */
const WINDOW_COUNT = QUICK ? 1_000 : 2_000;
const WINDOW_MS = QUICK ? 10_000 : 20_000;
/** Pinion's default poll interval first (what a user gets), then a tighter one. */
const POLLS = [1000, 100];
/** Pinion's default scheduler concurrency and pool size. */
const CONCURRENCY = 8;
const ACCOUNTS = 1000;
const IDLE_PROBES = QUICK ? 300 : 1000;
const DAY = 86_400_000;

/** Seeded, so every run lays out the same spread of due times. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function openBenchStore(): Promise<{ store: Store; url: string; settings: string; cleanup(): void }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'pinion-bench-sqlite-'));
    const url = `sqlite:${join(dir, 'pinion.db')}`;
    return {
      store: openStore(url),
      url,
      settings: 'file in tmpdir, WAL, synchronous=NORMAL (openStore defaults)',
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const server = await benchPostgres();
  const url = await createDatabase(server.adminUrl, 'bench_scale');
  return { store: openStore(url), url, settings: server.settings, cleanup: () => server.release() };
}

interface WindowResult {
  pollMs: number;
  claims: ClaimSample[];
  lateness: number[];
  rssPeak: number;
}

async function measureWindow(store: Store, seed: { workspaceId: string; accountIds: string[] }, pollMs: number): Promise<WindowResult> {
  const start = Date.now() + 2000;
  const spacing = WINDOW_MS / WINDOW_COUNT;
  await insertDeliveries(store, { ...seed, count: WINDOW_COUNT, scheduledAt: (i) => Math.round(start + i * spacing) });

  const timer = new ClaimTimer();
  const db = store.db.withPlugin(timer);
  const { log, lines } = countingLogger();
  let published = 0;
  const pass = publishPass(
    passOptions(store, { db, publisher: noopPublisher(), log, concurrency: CONCURRENCY, pollIntervalMs: pollMs, onPublished: () => void published++ }),
  );
  const worker = new Worker([pass], log);
  const rss = rssSampler();
  worker.start();
  // Generous: a slow store shows up as lateness, which is the figure; only a stuck pass should fail the run.
  const deadline = start + WINDOW_MS + 300_000;
  while (published < WINDOW_COUNT && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await worker.stop();
  const rssPeak = rss.stop();
  if (published < WINDOW_COUNT) throw new Error(`only ${published} of ${WINDOW_COUNT} deliveries were published in time`);
  if (lines.length) throw new Error(`the publish pass logged ${lines.length} warnings/errors, first: ${lines[0]}`);

  const rows = await store.db
    .selectFrom('deliveries')
    .select(['scheduled_at', 'published_at'])
    .where('scheduled_at', '>=', start)
    .where('scheduled_at', '<=', start + WINDOW_MS)
    .where('status', '=', 'published')
    .execute();
  if (rows.length !== WINDOW_COUNT) throw new Error(`${rows.length} window deliveries published, expected ${WINDOW_COUNT}`);
  // Only window deliveries may go out: the backlog is hours to weeks ahead.
  const all = await store.db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '!=', 'scheduled')
    .executeTakeFirstOrThrow();
  if (Number(all.n) !== WINDOW_COUNT * (POLLS.indexOf(pollMs) + 1))
    throw new Error(`${all.n} deliveries left the scheduled state; the backlog must not be touched`);
  // A claim takes at most the pass's concurrency: more means the timer ran two statements' worth into one sample.
  const over = timer.samples.find((c) => c.claimed > CONCURRENCY);
  if (over) throw new Error(`a timed claim took ${over.claimed} deliveries, more than the pass's ${CONCURRENCY}: the claim timer counted another statement`);
  return { pollMs, claims: timer.samples, lateness: rows.map((r) => r.published_at! - r.scheduled_at), rssPeak };
}

/** The claim with nothing due: what every idle poll costs against the full backlog (up to IDLE_PROBES calls or 30 s). */
async function idleProbe(store: Store): Promise<number[]> {
  const times: number[] = [];
  // Bounded in time too: a slow plan must show up as a figure, not stall the run.
  const end = Date.now() + 30_000;
  for (let i = 0; i < IDLE_PROBES && Date.now() < end; i++) {
    const t = process.hrtime.bigint();
    const got = await claimDeliveries(store.db, store.dialect, { owner: 'bench-probe', leaseMs: 60_000, limit: CONCURRENCY });
    times.push(elapsed(t));
    if (got.length) throw new Error('the idle probe claimed a delivery');
  }
  return times;
}

async function main(): Promise<void> {
  const { store, settings, cleanup } = await openBenchStore();
  try {
    await migrateToLatest(store);
    const seed = await seedAccounts(store.db, ACCOUNTS);
    console.log(`\n== Scale on ${dialect}: ${num(BACKLOG)} deliveries scheduled ahead, ${num(WINDOW_COUNT)} coming due over ${WINDOW_MS / 1000} s per window`);
    console.log(`   store: ${settings}`);
    console.log(`   one worker, concurrency ${CONCURRENCY}, pool 10 (Pinion defaults); no-op publisher; ${ACCOUNTS} accounts round robin`);

    // The backlog: due between 1 hour and 30 days from now, inserted in random time order as real scheduling would.
    const rand = mulberry32(42);
    const base = Date.now() + 3_600_000;
    const insertRss = rssSampler();
    const t0 = process.hrtime.bigint();
    await insertDeliveries(store, { ...seed, count: BACKLOG, scheduledAt: () => base + Math.floor(rand() * 30 * DAY) });
    const insertSeconds = elapsed(t0) / 1000;
    const insertPeak = insertRss.stop();
    // PostgreSQL's autovacuum would vacuum and analyze after a load like this, and the load's WAL starts a checkpoint:
    // done now, so every run plans alike and neither falls into a measurement window at a moment of its own choosing.
    if (dialect === 'postgres') {
      await sql`vacuum (analyze) deliveries, posts`.execute(store.db);
      await sql`checkpoint`.execute(store.db);
    }
    const insertLine = `${num(BACKLOG)} posts + ${num(BACKLOG)} deliveries in ${insertSeconds.toFixed(1)} s (${num(BACKLOG / insertSeconds)} deliveries/s)`;
    console.log(`   insert: ${insertLine}`);

    const windows: WindowResult[] = [];
    for (const poll of POLLS) windows.push(await measureWindow(store, seed, poll));

    const idle = await idleProbe(store);
    // Pinion never runs ANALYZE on SQLite; without statistics its planner may pick another index
    // for the claim. Measured separately so the default figure above stays what a user gets.
    let analyzed: number[] | undefined;
    if (dialect === 'sqlite') {
      await sql`analyze`.execute(store.db);
      analyzed = await idleProbe(store);
    }

    const rows = [['measure', 'n', 'p50', 'p99', 'max']];
    for (const w of windows) {
      const lat = w.claims.map((c) => c.ms);
      const busy = w.claims.filter((c) => c.claimed > 0).length;
      rows.push([
        `claim latency, pass polling every ${w.pollMs} ms (${busy} found work)`,
        num(lat.length),
        ms(percentile(lat, 50), 2),
        ms(percentile(lat, 99), 2),
        ms(Math.max(...lat), 2),
      ]);
      rows.push([
        `publish lateness, poll ${w.pollMs} ms`,
        num(w.lateness.length),
        ms(percentile(w.lateness, 50), 0),
        ms(percentile(w.lateness, 99), 0),
        ms(Math.max(...w.lateness), 0),
      ]);
    }
    rows.push([
      `claim latency, nothing due (direct calls)`,
      num(idle.length),
      ms(percentile(idle, 50), 2),
      ms(percentile(idle, 99), 2),
      ms(Math.max(...idle), 2),
    ]);
    if (analyzed)
      rows.push([
        `  same, after ANALYZE (not done by Pinion)`,
        num(analyzed.length),
        ms(percentile(analyzed, 50), 2),
        ms(percentile(analyzed, 99), 2),
        ms(Math.max(...analyzed), 2),
      ]);
    table(`Scale on ${dialect} (${num(BACKLOG)} scheduled ahead)`, rows);

    const peak = peakRssBytes();
    const windowPeak = Math.max(...windows.map((w) => w.rssPeak));
    console.log(`\n   peak RSS: ${mib(peak)} for the whole process (insert phase peak ${mib(insertPeak)}, measurement windows peak ${mib(windowPeak)})`);

    record(`scale/${dialect}`, `insert ${num(BACKLOG)}`, `${insertSeconds.toFixed(1)} s (${num(BACKLOG / insertSeconds)}/s)`);
    for (const w of windows) {
      const lat = w.claims.map((c) => c.ms);
      record(`scale/${dialect}`, `claim p50/p99, poll ${w.pollMs} ms`, `${ms(percentile(lat, 50), 2)} / ${ms(percentile(lat, 99), 2)} (n=${lat.length})`);
      record(`scale/${dialect}`, `lateness p50/p99, poll ${w.pollMs} ms`, `${ms(percentile(w.lateness, 50), 0)} / ${ms(percentile(w.lateness, 99), 0)}`);
    }
    record(`scale/${dialect}`, 'idle claim p50/p99', `${ms(percentile(idle, 50), 2)} / ${ms(percentile(idle, 99), 2)}`);
    if (analyzed) record(`scale/${dialect}`, 'idle claim p50/p99 after ANALYZE', `${ms(percentile(analyzed, 50), 2)} / ${ms(percentile(analyzed, 99), 2)}`);
    record(`scale/${dialect}`, 'peak RSS', `${mib(peak)} (windows ${mib(windowPeak)})`);
  } finally {
    await store.close();
    cleanup();
  }
}

await main();
