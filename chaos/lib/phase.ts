import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../src/shared/index.js';
import type { Dialect } from '../../src/store/index.js';
import { createDatabase, dropDatabase } from '../../test/setup/pg-cluster.js';
import { connectAccount, startChaosPinion, type ChaosPinion } from './pinion.js';
import { BOARD, listPosts, makePosts, pinTag, tagOf } from './posts.js';
import { Racer, type Answers } from './racer.js';
import { startCountingSandbox } from './sandbox.js';
import type { ChaosSettings } from './settings.js';
import { broken, tally, TERMINAL, type PinSeen, type PostSeen, type Tally } from './tally.js';
import { killAtRandom, WorkerPool } from './workers.js';

export interface PhaseResult {
  store: Dialect;
  workers: number;
  tally: Tally;
  /** POST /posts answers other than 201, by status (after retries with the same Idempotency-Key). */
  refusedPosts: Record<string, number>;
  /** 5xx answers Pinion's API gave of its own (never expected): request and answer. */
  apiErrors: string[];
  /** 5xx answers that pass on a platform's failure (a board looked up while the sandbox failed). */
  platformErrors: number;
  edits: Answers;
  cancels: Answers;
  kills: number;
  workerStarts: number;
  unexpectedExits: string[];
  /** create-pin calls the sandbox received (each fault, 429 and retry included). */
  createPinCalls: number;
  /** What the sandbox answered to /v5 calls made during the chaos (status → count), and how many it never answered. */
  sandboxAnswers: Record<string, number>;
  sandboxUnanswered: number;
  settled: boolean;
  seconds: number;
  /** Where the logs are kept when something broke; removed otherwise. */
  keptDir?: string;
}

export interface PhaseTarget {
  store: Dialect;
  workers: number;
  /** PostgreSQL admin URL (a database is made for the phase and dropped after); SQLite needs none. */
  postgresAdminUrl?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const open = (posts: PostSeen[]) => posts.filter((x) => x.deliveries.some((d) => !TERMINAL.has(d.status))).length;

/**
 * One chaos phase: a standalone sandbox with faults, Pinion's API on a fresh database, accounts
 * connected through OAuth, worker processes killed and restarted while posts fall due and are
 * edited and cancelled; then, once every delivery is finished (or the wait runs out), the posts
 * and the sandbox's pins are compared.
 */
export async function runPhase(settings: ChaosSettings, target: PhaseTarget, progress: (line: string) => void = () => {}): Promise<PhaseResult> {
  const started = Date.now();
  const random = seededRandom(settings.seed ^ (target.store === 'postgres' ? 0x9e3779b9 : 0x85ebca6b));
  const dir = mkdtempSync(join(tmpdir(), `pinion-chaos-${target.store}-`));
  const dbName = `pinion_chaos_${randomBytes(5).toString('hex')}`;
  const databaseUrl = target.store === 'sqlite' ? `sqlite:${join(dir, 'pinion.db')}` : await createDatabase(required(target.postgresAdminUrl), dbName);
  const sandbox = await startCountingSandbox({ rateLimits: { org_write: settings.sandboxWriteLimit } });
  let pinion: ChaosPinion | undefined;
  let pool: WorkerPool | undefined;
  let keep = true;
  try {
    const p = (pinion = await startChaosPinion({ dir, databaseUrl, sandboxUrl: sandbox.url, settings }));
    const accounts: string[] = [];
    for (let k = 1; k <= settings.accounts; k++) accounts.push(await connectAccount(p, `chaos_${k}`, BOARD));
    // Faults start once the accounts are set up: the run is about publishing, not connecting.
    sandbox.sandbox.setFaults(settings.faults);
    const before = sandbox.answers.snapshot();
    const workers = (pool = new WorkerPool(p.workerEnv, dir));
    await workers.start(target.workers);
    progress(
      `${target.store}: ${target.workers} worker(s) up, ${settings.accounts} accounts connected; making ${settings.posts} posts due within ${settings.dueWithinMs / 1000} s`,
    );

    // Time to make the posts (about 15 ms each on a quiet machine) before the first falls due.
    const firstDue = Date.now() + 2_000 + settings.posts * 15;
    const chaosEnd = firstDue + settings.dueWithinMs + settings.chaosTailMs;
    const indexOf = new Map<string, number>();
    // Half the edits and cancels go to posts seen retrying, the other half to any post at random moments.
    const edits = Math.round(settings.posts * settings.editShare);
    const cancels = Math.round(settings.posts * settings.cancelShare);
    const racer = new Racer(p, random, indexOf, { edit: Math.ceil(edits / 2), cancel: Math.ceil(cancels / 2) });
    let latest: PostSeen[] = [];
    const done = { making: false, racing: false };
    const making = makePosts(p, { settings, accounts, firstDue, imageUrl: sandbox.imageUrl, indexOf }).finally(() => (done.making = true));
    const killing = killAtRandom(workers, random, { everyMs: settings.killEveryMs, restartAfterMs: settings.restartAfterMs, until: chaosEnd });
    const racing = racer
      .atRandomMoments({ edits: Math.floor(edits / 2), cancels: Math.floor(cancels / 2), until: chaosEnd, latest: () => latest })
      .finally(() => (done.racing = true));

    // The whole list, every second, tells when everything has settled and gives the random moments their choice;
    // in between, the posts due and waiting (a short list) show the racer which ones wait to retry.
    let settled = false;
    let lastReport = 0;
    let lastFull = 0;
    while (Date.now() < chaosEnd + settings.settleMs) {
      if (Date.now() < chaosEnd) await racer.react(await listPosts(p, `status=scheduled&to=${encodeURIComponent(new Date().toISOString())}`));
      if (Date.now() - lastFull < 1_000) {
        await sleep(200);
        continue;
      }
      lastFull = Date.now();
      latest = await listPosts(p);
      if (Date.now() - lastReport > 5_000) {
        lastReport = Date.now();
        progress(
          `${target.store}: ${((Date.now() - started) / 1000).toFixed(0)} s, ${latest.length} posts, ${open(latest)} not finished, ${workers.kills} kills, ${racer.edits.applied}/${racer.edits.tried} edits and ${racer.cancels.applied}/${racer.cancels.tried} cancels applied`,
        );
      }
      if (done.making && done.racing && Date.now() > chaosEnd && open(latest) === 0) {
        settled = true;
        break;
      }
    }
    const refusedPosts = await making;
    await Promise.all([killing, racing]);
    await workers.allUp();
    await workers.stop();

    const posts = await listPosts(p);
    const pins = ((await (await fetch(`${sandbox.url}/_sandbox/pins`)).json()) as { items: PinSeen[] }).items;
    const figures = tally(
      posts.map((post) => ({ tag: tagOf(indexOf.get(post.id) ?? -1), post })),
      pins,
      pinTag,
    );
    const during = sandbox.answers.since(before);
    keep = broken(figures) > 0 || p.apiErrors.length > 0 || workers.unexpectedExits.length > 0;
    return {
      store: target.store,
      workers: target.workers,
      tally: figures,
      refusedPosts,
      apiErrors: p.apiErrors,
      platformErrors: p.platformErrors,
      edits: racer.edits,
      cancels: racer.cancels,
      kills: workers.kills,
      workerStarts: workers.starts,
      unexpectedExits: workers.unexpectedExits,
      createPinCalls: sandbox.sandbox.stats().operations['POST /v5/pins'] ?? 0,
      sandboxAnswers: during.byStatus,
      sandboxUnanswered: during.unanswered,
      settled,
      seconds: (Date.now() - started) / 1000,
      ...(keep && { keptDir: dir }),
    };
  } catch (err) {
    throw Object.assign(err as Error, { message: `${(err as Error).message} (logs kept in ${dir})` });
  } finally {
    await pool?.stop();
    if (keep && pinion) writeFileSync(join(dir, 'api.log'), pinion.logs.join(''));
    await pinion?.close();
    await sandbox.close();
    if (target.store === 'postgres') await dropDatabase(required(target.postgresAdminUrl), dbName).catch(() => {});
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

function required(url: string | undefined): string {
  if (!url) throw new Error('a PostgreSQL phase needs an admin URL');
  return url;
}
