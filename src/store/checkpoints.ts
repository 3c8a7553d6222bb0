import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SqliteDatabase from 'better-sqlite3';

/*
 * SQLite in WAL mode copies the log back into the database file (a checkpoint) once the log passes
 * 1,000 pages, in the commit that crosses the line. On this project's 2-core machines that is about
 * 10 ms (the copy and two fsyncs) in the middle of whatever request or publish committed, on the
 * thread that serves every request. Here a second connection in a worker thread checkpoints instead,
 * every `everyMs`, while the main thread goes on; SQLite lets a checkpoint run beside writers and
 * readers (PASSIVE copies what no reader still needs). The main connection keeps a checkpoint of its
 * own as a safety net, at a log four times as long, should the thread fall behind or stop.
 */

/** Pages the WAL may hold before the main connection checkpoints by itself (SQLite's default is 1,000). */
const SAFETY_NET_PAGES = 4000;

/**
 * The thread's whole program, plain JavaScript (a worker runs it as it is, without the TypeScript loader
 * the tests and tsx use). PASSIVE does nothing when the log holds nothing new.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage({ failed: String(err && err.message) }); }
}, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface BackgroundCheckpoints {
  /** Stops the thread and closes its connection (before the main connection closes, so that one can remove the log). */
  stop(): Promise<void>;
}

/** Starts checkpointing `file` from a worker thread; the main connection checkpoints by itself only past the safety net. */
export function checkpointInBackground(database: SqliteDatabase.Database, file: string, everyMs = 200): BackgroundCheckpoints {
  const worker = new Worker(THREAD, { eval: true, workerData: { file, everyMs, driver: createRequire(import.meta.url).resolve('better-sqlite3') } });
  // A short-lived command that forgets to close its store must still exit.
  worker.unref();
  database.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
  let running = true;
  const fallBack = () => {
    // Without the thread (it failed to start or to checkpoint), the main connection checkpoints as SQLite does by default.
    if (running && database.open) database.pragma('wal_autocheckpoint = 1000');
    running = false;
    void worker.terminate();
  };
  worker.on('error', fallBack);
  worker.on('message', fallBack);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      running = false;
      // Held while it stops: waiting on an unreferenced thread alone would let the process end mid-close (exit code 0).
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
