import type { ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { pinionDaemon } from '../../test/helpers/cli.js';
import { between, pick } from './settings.js';

interface Slot {
  child?: ChildProcess;
  /** Set when this run ends the process itself (kill -9 or stop), so its exit is expected. */
  ending: boolean;
  /** Starting or waiting to start again. */
  down: boolean;
}

/**
 * Pinion settings this shell may carry (a real Pinterest URL, another database) must not reach the
 * run's workers: they get the run's environment and nothing else of Pinion's.
 */
const unset: NodeJS.ProcessEnv = Object.fromEntries(
  Object.keys(process.env)
    .filter((k) => /^(PINION_|PINTEREST_|DATABASE_URL$)/.test(k))
    .map((k) => [k, undefined]),
);

/** Every worker started here: if the run itself is stopped (Ctrl-C, a crash), none is left behind. */
const everyWorker = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of everyWorker) child.kill('SIGKILL');
});

/**
 * `pinion worker` processes run from the source tree (as the tests run the CLI), configured the
 * way an operator would: environment variables plus a config file. They can be killed with
 * SIGKILL and started again; a worker that exits without being told to is counted and restarted.
 */
export class WorkerPool {
  kills = 0;
  starts = 0;
  readonly unexpectedExits: string[] = [];
  private readonly slots: Slot[] = [];
  private closed = false;

  /** Each worker's stderr (its warnings and errors) is appended to `worker-<n>.log` in `logDir` when it exits. */
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly logDir: string,
  ) {}

  async start(count: number): Promise<void> {
    for (let i = 0; i < count; i++) this.slots.push({ ending: false, down: true });
    await Promise.all(this.slots.map((_, i) => this.launch(i)));
  }

  /** Indexes of the workers running now. */
  running(): number[] {
    return this.slots.flatMap((s, i) => (s.down ? [] : [i]));
  }

  /** kill -9 the worker in `slot`, then start it again after `restartAfterMs`. */
  killAndRestart(slot: number, restartAfterMs: number): Promise<void> {
    const s = this.slots[slot]!;
    if (s.down || !s.child) return Promise.resolve();
    s.ending = true;
    s.down = true;
    s.child.kill('SIGKILL');
    this.kills++;
    return new Promise((resolve) => setTimeout(() => resolve(this.launch(slot)), restartAfterMs));
  }

  /** Waits until every worker is up (after the last kills), so the run can settle. */
  async allUp(timeoutMs = 60_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.running().length < this.slots.length) {
      if (Date.now() > end) throw new Error(`only ${this.running().length} of ${this.slots.length} workers came back`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGTERM to every worker, SIGKILL to any still there after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.slots.map(async (s) => {
        const child = s.child;
        s.ending = true;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  private async launch(slot: number): Promise<void> {
    if (this.closed) return;
    const s = this.slots[slot]!;
    s.ending = false;
    this.starts++;
    let daemon;
    try {
      daemon = await pinionDaemon(['worker', '--json'], /"worker": true/, { ...unset, ...this.env });
    } catch (err) {
      this.unexpectedExits.push(`worker ${slot} did not start: ${(err as Error).message.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 1000));
      return this.launch(slot);
    }
    if (this.closed) {
      daemon.child.kill('SIGKILL');
      return;
    }
    s.child = daemon.child;
    everyWorker.add(daemon.child);
    s.down = false;
    const began = new Date().toISOString();
    daemon.child.once('exit', (code, signal) => {
      everyWorker.delete(daemon.child);
      appendFileSync(
        join(this.logDir, `worker-${slot}.log`),
        `--- started ${began}, ended ${new Date().toISOString()} (${signal ?? `code ${code}`})\n${daemon.stderr()}`,
      );
      if (s.ending || this.closed) return;
      // Not ours: a crash is a finding of the run. Start it again so the run goes on.
      s.down = true;
      this.unexpectedExits.push(`worker ${slot} exited (${signal ?? `code ${code}`}): ${daemon.stderr().slice(-2000)}`);
      void this.launch(slot);
    });
  }
}

/** Until `until`: every `everyMs` (random within), kill -9 a random running worker and start it again `restartAfterMs` later. */
export async function killAtRandom(
  pool: WorkerPool,
  random: () => number,
  opts: { everyMs: [number, number]; restartAfterMs: [number, number]; until: number },
): Promise<void> {
  while (Date.now() < opts.until) {
    await new Promise((r) => setTimeout(r, between(random, opts.everyMs)));
    const victim = pick(random, pool.running());
    if (victim !== undefined && Date.now() < opts.until) void pool.killAndRestart(victim, between(random, opts.restartAfterMs));
  }
}
