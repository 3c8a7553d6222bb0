import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

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

/** A throwaway cluster on 127.0.0.1 in its own temp dir, like test/setup/postgres.ts. */
export async function startPostgres(): Promise<PgCluster> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL binaries (initdb, pg_ctl) not found: install postgresql or set BENCH_PG_URL=postgres://…');
  const dir = mkdtempSync(join(tmpdir(), 'pinion-bench-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  const asPostgres = (cmd: string, args: string[]) => {
    // initdb refuses to run as root; the image's `postgres` user owns the cluster instead.
    const isRoot = process.getuid?.() === 0;
    const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] : [join(bin, cmd), args];
    const r = spawnSync(file, argv as string[], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
  };
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  asPostgres('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 ${SETTINGS}`, 'start']);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    settings: SETTINGS.replace(/-c /g, ''),
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A fresh database on the given server; returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${name} with (force)`);
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
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

function findPostgresBin(): string | undefined {
  try {
    const initdb = execFileSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim();
    if (initdb) return initdb.replace(/\/initdb$/, '');
  } catch {
    /* not on PATH: Debian puts it under /usr/lib/postgresql/<version>/bin */
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'initdb'))) return join(root, v, 'bin');
  return undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * CPU seconds used so far by the server processes serving `database` (their command line names
 * it), read from /proc: with the client's own CPU this shows where each job's time goes.
 * Linux only (NaN elsewhere); assumes the usual 100 clock ticks per second.
 */
export function backendCpuSeconds(database: string): number {
  let ticks = 0;
  let dirs: string[];
  try {
    dirs = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return NaN;
  }
  for (const pid of dirs) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.startsWith('postgres: ') || !cmd.includes(` ${database} `)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* the process ended while we looked */
    }
  }
  return ticks / 100;
}
