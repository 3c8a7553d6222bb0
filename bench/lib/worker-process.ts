/**
 * One Pinion worker process for bench/workers.ts: its own store (pool of 10), its own publish
 * pass and lease owner, run by the real Worker with the no-op publisher. Started with IPC; it
 * opens its store, says `ready`, starts on `go`, and on `stop` stops the worker and answers
 * with what it published and the CPU it used meanwhile, then exits.
 */
import { publishPass } from '../../src/scheduler/index.js';
import { Worker } from '../../src/shared/index.js';
import { openStore } from '../../src/store/index.js';
import { countingLogger, noopPublisher, passOptions } from './pinion-db.js';

export interface WorkerReport {
  published: number;
  /** CPU seconds this process used between `go` and `stop`. */
  cpuSeconds: number;
  warnings: string[];
}

const url = process.env.BENCH_WORKER_DB_URL!;
const concurrency = Number(process.env.BENCH_WORKER_CONCURRENCY ?? 32);
const pollIntervalMs = Number(process.env.BENCH_WORKER_POLL_MS ?? 1000);

const store = openStore(url, { poolSize: 10 });
const publisher = noopPublisher();
const { log, lines } = countingLogger();
let published = 0;
const worker = new Worker([publishPass(passOptions(store, { publisher, log, concurrency, pollIntervalMs, onPublished: () => void published++ }))], log);
await store.db.selectFrom('accounts').select('id').limit(1).execute();
let cpu0 = process.cpuUsage();

process.on('message', (message: string) => {
  if (message === 'go') {
    cpu0 = process.cpuUsage();
    worker.start();
  } else if (message === 'stop') {
    void (async () => {
      await worker.stop();
      const used = process.cpuUsage(cpu0);
      const report: WorkerReport = { published, cpuSeconds: (used.user + used.system) / 1e6, warnings: lines.slice(0, 3) };
      await store.close();
      process.send!(report, () => process.exit(0));
    })();
  }
});
process.send!('ready');
