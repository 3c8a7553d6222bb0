import type { FaultConfig, RateLimitBudget } from '../../src/sandbox/pinterest/index.js';

/** What a chaos run is asked for: `npm run chaos -- --posts N [--quick] [--seed S]`. */
export interface ChaosOptions {
  posts: number;
  /** The CI size: shorter windows, quicker kills, a shorter wait to settle. */
  quick: boolean;
  /** Seeds the sandbox's faults and every choice of the run (kills, edits, cancels); timing still varies. */
  seed: number;
  /** Sandbox users connected to Pinion; posts go to them in turn. */
  accounts?: number;
}

export interface ChaosSettings extends Required<ChaosOptions> {
  /** Posts fall due over this long, from a couple of seconds after they start being made, ... */
  dueWithinMs: number;
  /** ... in groups, one every this long (people schedule on round times). */
  dueEveryMs: number;
  /** Kills, edits and cancels go on until this long after the last post falls due. */
  chaosTailMs: number;
  /** Time between two kills (each a random worker, SIGKILL), and before the killed one starts again. */
  killEveryMs: [number, number];
  restartAfterMs: [number, number];
  /** Shares of the posts edited (PATCH, new text, due again soon) and cancelled while workers publish. */
  editShare: number;
  cancelShare: number;
  /** After the chaos, how long every delivery may take to reach published, failed or cancelled. */
  settleMs: number;
  faults: FaultConfig;
  /** The sandbox's org_write limit per user: tighter than Pinion's write budget, so some creates get 429. */
  sandboxWriteLimit: RateLimitBudget;
  /** Pinion's pins per account per minute (PINTEREST_WRITE_BUDGET_PER_MINUTE). */
  writeBudgetPerMinute: number;
  /** The workers' `scheduler` settings (config file): short leases so a killed worker's deliveries come back quickly. */
  scheduler: {
    pollIntervalMs: number;
    concurrency: number;
    leaseSeconds: number;
    maxAttempts: number;
    retryBaseSeconds: number;
    retryMaxSeconds: number;
    unknownOutcomeGiveUpSeconds: number;
  };
}

/**
 * The settings of a run. Faults apply to every /v5 call once the accounts are set up: 6 % answer
 * 500/503, 4 % hang for a second then lose the connection (nothing done), 8 % of writes are done
 * and then lose the connection (the pin exists, Pinion never hears so), and every call waits 50 ms.
 * The sandbox lets through about the pins falling due per user and second (at least 2), and
 * Pinion's write budget is one a second above that, so creates also meet 429s.
 */
export function chaosSettings(options: ChaosOptions): ChaosSettings {
  const { quick } = options;
  const accounts = options.accounts ?? 5;
  const dueWithinMs = quick ? 10_000 : 60_000;
  const perSecond = Math.max(2, Math.floor((0.9 * options.posts) / accounts / (dueWithinMs / 1000)));
  return {
    ...options,
    accounts,
    dueWithinMs,
    dueEveryMs: quick ? 2_500 : 5_000,
    chaosTailMs: quick ? 5_000 : 15_000,
    killEveryMs: quick ? [1_500, 4_000] : [3_000, 9_000],
    restartAfterMs: [300, 2_500],
    editShare: 0.1,
    cancelShare: 0.05,
    settleMs: quick ? 60_000 : 240_000,
    faults: { latencyMs: 50, errorRate: 0.06, timeoutRate: 0.04, hangMs: 1_000, dropAfterCommitRate: 0.08, seed: options.seed },
    sandboxWriteLimit: { limit: perSecond, windowSeconds: 1 },
    writeBudgetPerMinute: (perSecond + 1) * 60,
    // Retries a second apart (then 2, 4, 5 s): long enough for a user to act on a post waiting to go again.
    scheduler: {
      pollIntervalMs: 100,
      concurrency: 8,
      leaseSeconds: 4,
      maxAttempts: 8,
      retryBaseSeconds: 1,
      retryMaxSeconds: 5,
      unknownOutcomeGiveUpSeconds: 600,
    },
  };
}

export const between = (random: () => number, [min, max]: [number, number]) => min + random() * (max - min);
export const pick = <T>(random: () => number, items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];
