import { readFileSync, readdirSync } from 'node:fs';
import { startThrowawayPostgres } from '../../test/setup/pg-cluster.js';

export { createDatabase } from '../../test/setup/pg-cluster.js';

export interface PgCluster {
  /** Admin URL (database `postgres`). */
  url: string;
  /** Settings the server was started with, printed so a reader knows what the figures mean. */
  settings: string;
  stop(): void;
}

/**
 * Durability is switched off (fsync, synchronous_commit, full_page_writes), as in the tests: the
 * bench measures Pinion's queries and round trips, not this machine's disk flushes. Both Pinion
 * and the graphile-worker baseline run on the same server, so the ratios are like for like.
 */
const SETTINGS = '-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=512MB';

/** A throwaway cluster on 127.0.0.1 in its own temp dir, the same one the tests start. */
export async function startPostgres(): Promise<PgCluster> {
  const cluster = await startThrowawayPostgres(SETTINGS, 'pinion-bench-pg');
  return { ...cluster, settings: SETTINGS.replace(/-c /g, '') };
}

/**
 * The server a bench runs on: $BENCH_PG_URL (set by bench/run.ts, or by hand) or, when a bench
 * file is run alone, a cluster of its own that `release` stops.
 */
export async function benchPostgres(): Promise<{ adminUrl: string; settings: string; release(): void }> {
  const given = process.env.BENCH_PG_URL;
  if (given) return { adminUrl: given, settings: process.env.BENCH_PG_SETTINGS ?? '(server given by BENCH_PG_URL)', release() {} };
  const cluster = await startPostgres();
  return { adminUrl: cluster.url, settings: cluster.settings, release: () => cluster.stop() };
}

/**
 * CPU seconds used so far by each server process serving `database` (its command line names it),
 * read from /proc: with the client's own CPU this shows where each job's time goes. Linux only
 * (empty elsewhere); assumes the usual 100 clock ticks per second.
 */
function backendCpuByPid(database: string): Map<string, number> {
  const seconds = new Map<string, number>();
  let dirs: string[];
  try {
    dirs = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return seconds;
  }
  for (const pid of dirs) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.startsWith('postgres: ') || !cmd.includes(` ${database} `)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      seconds.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      /* the process ended while we looked */
    }
  }
  return seconds;
}

/**
 * Starts counting the CPU of the backends serving `database`; the function returned gives the
 * seconds used since. Counted per process, so a backend of an earlier run that exits meanwhile
 * cannot take its whole past off the sum (a backend that exits during the interval is left out).
 */
export function backendCpuMeter(database: string): () => number {
  const start = backendCpuByPid(database);
  return () => [...backendCpuByPid(database)].reduce((sum, [pid, s]) => sum + s - (start.get(pid) ?? 0), 0);
}
