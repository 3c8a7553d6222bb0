import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inParallel } from '../../src/shared/index.js';
import type { Dialect } from '../../src/store/index.js';
import { createDatabase, dropDatabase } from '../../test/setup/pg-cluster.js';
import { connectAccount, startChaosPinion, type ChaosPinion } from './pinion.js';
import { BOARD, listPosts, newPost, pinTag, tagOf } from './posts.js';
import { Racer, type Answers } from './racer.js';
import { startCountingSandbox } from './sandbox.js';
import { between, pick, seededRandom, type ChaosSettings } from './settings.js';
import { broken, tally, TERMINAL, type PinSeen, type PostSeen, type Tally } from './tally.js';
import { WorkerPool } from './workers.js';

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
  let keep = false;
  try {
    pinion = await startChaosPinion({ dir, databaseUrl, sandboxUrl: sandbox.url, settings });
    const p = pinion;
    const apiErrors: string[] = [];
    let platformErrors = 0;
    const api: ChaosPinion['api'] = async (...args) => {
      const res = await p.api(...args);
      if (res.status >= 500) {
        const body = await res.clone().text();
        // A platform's failure passed on (502/503 problem of type platform-…) is an honest answer, not Pinion's fault.
        if (/"type":"urn:pinion:problem:platform-/.test(body)) platformErrors++;
        else apiErrors.push(`${args[0]} ${args[1]} → ${res.status} ${body.slice(0, 500)}`);
      }
      return res;
    };
    const counted: ChaosPinion = { ...p, api };

    const accounts: string[] = [];
    for (let k = 1; k <= settings.accounts; k++) accounts.push(await connectAccount(counted, `chaos_${k}`, BOARD));
    // Faults start once the accounts are set up: the run is about publishing, not connecting.
    sandbox.sandbox.setFaults(settings.faults);
    const before = { calls: sandbox.answers.calls, byStatus: { ...sandbox.answers.byStatus } };
    pool = new WorkerPool(p.workerEnv, dir);
    await pool.start(target.workers);
    progress(`${target.store}: ${target.workers} worker(s) up, ${settings.accounts} accounts connected; making ${settings.posts} posts due within ${settings.dueWithinMs / 1000} s`);

    const firstDue = Date.now() + 2_000;
    const chaosEnd = firstDue + settings.dueWithinMs + settings.chaosTailMs;
    const indexOf = new Map<string, number>();
    const refusedPosts: Record<string, number> = {};
    // Half the edits and cancels go to posts seen retrying, the other half to any post at random moments.
    const edits = Math.round(settings.posts * settings.editShare);
    const cancels = Math.round(settings.posts * settings.cancelShare);
    const racer = new Racer(counted, random, indexOf, { edit: Math.ceil(edits / 2), cancel: Math.ceil(cancels / 2) });
    let latest: PostSeen[] = [];

    const making = inParallel(
      Array.from({ length: settings.posts }, (_, i) => i),
      8,
      async (i) => {
        // Due on round moments, as people schedule: each brings a burst per account that meets the rate limit.
        const at = firstDue + Math.floor((i * settings.dueWithinMs) / settings.posts / settings.dueEveryMs) * settings.dueEveryMs;
        const body = newPost(i, accounts[i % accounts.length]!, at, `${sandbox.url}/_sandbox/sample.jpg?w=200&h=300`);
        // A user whose request failed sends it again with the same key; Pinion answers the post already made.
        for (let attempt = 1; ; attempt++) {
          const res = await api('POST', '/api/v1/posts', body, { 'idempotency-key': `chaos-${i}` });
          const answer = (await res.json()) as { id?: string };
          if (res.status === 201 || res.status === 200) {
            indexOf.set(answer.id!, i);
            return;
          }
          if (res.status < 500 || attempt === 3) {
            refusedPosts[res.status] = (refusedPosts[res.status] ?? 0) + 1;
            return;
          }
        }
      },
    );

    const killing = (async () => {
      while (Date.now() < chaosEnd) {
        await sleep(between(random, settings.killEveryMs));
        const victim = pick(random, pool.running());
        if (victim !== undefined && Date.now() < chaosEnd) void pool.killAndRestart(victim, between(random, settings.restartAfterMs));
      }
    })();

    const plan = [...Array.from({ length: Math.floor(edits / 2) }, () => 'edit' as const), ...Array.from({ length: Math.floor(cancels / 2) }, () => 'cancel' as const)].map((action) => ({ action, at: firstDue + random() * (chaosEnd - firstDue) }));
    plan.sort((a, b) => a.at - b.at);
    const racing = (async () => {
      for (const step of plan) {
        await sleep(Math.max(0, step.at - Date.now()));
        let post = racer.choose(latest);
        // Before the first list comes back there is nothing to choose from yet.
        while (!post && Date.now() < chaosEnd) {
          await sleep(200);
          post = racer.choose(latest);
        }
        if (!post) continue;
        await (step.action === 'edit' ? racer.edit(post) : racer.cancel(post));
      }
    })();

    // The racer chooses from what the API showed last; the same list tells when everything has settled.
    let settled = false;
    let lastReport = 0;
    const settleBy = chaosEnd + settings.settleMs;
    let madeAll = false;
    let raced = false;
    const made = () => (madeAll = true);
    void making.then(made, made);
    void racing.then(() => (raced = true), () => (raced = true));
    while (Date.now() < settleBy) {
      latest = await listPosts(counted);
      if (Date.now() < chaosEnd) await racer.react(latest);
      const open = latest.filter((x) => x.deliveries.some((d) => !TERMINAL.has(d.status))).length;
      if (Date.now() - lastReport > 5_000) {
        lastReport = Date.now();
        progress(`${target.store}: ${((Date.now() - started) / 1000).toFixed(0)} s, ${latest.length} posts, ${open} not finished, ${pool.kills} kills, ${racer.edits.applied}/${racer.edits.tried} edits and ${racer.cancels.applied}/${racer.cancels.tried} cancels applied`);
      }
      if (madeAll && raced && Date.now() > chaosEnd && open === 0) {
        settled = true;
        break;
      }
      await sleep(Date.now() < chaosEnd ? 200 : 500);
    }
    await Promise.all([making, killing, racing]);
    await pool.allUp();
    await pool.stop();

    const posts = await listPosts(counted);
    const pins = ((await (await fetch(`${sandbox.url}/_sandbox/pins`)).json()) as { items: PinSeen[] }).items;
    const seen = posts.map((post) => ({ tag: tagOf(indexOf.get(post.id) ?? -1), post }));
    const figures = tally(seen, pins, pinTag);
    const result: PhaseResult = {
      store: target.store,
      workers: target.workers,
      tally: figures,
      refusedPosts,
      apiErrors,
      platformErrors,
      edits: racer.edits,
      cancels: racer.cancels,
      kills: pool.kills,
      workerStarts: pool.starts,
      unexpectedExits: pool.unexpectedExits,
      createPinCalls: sandbox.sandbox.stats().operations['POST /v5/pins'] ?? 0,
      sandboxAnswers: Object.fromEntries(Object.entries(sandbox.answers.byStatus).map(([k, v]) => [k, v - (before.byStatus[k] ?? 0)])),
      sandboxUnanswered: sandbox.answers.unanswered() - (before.calls - Object.values(before.byStatus).reduce((a, b) => a + b, 0)),
      settled,
      seconds: (Date.now() - started) / 1000,
    };
    keep = broken(figures) > 0 || apiErrors.length > 0 || pool.unexpectedExits.length > 0;
    if (keep) result.keptDir = dir;
    return result;
  } catch (err) {
    keep = true;
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
