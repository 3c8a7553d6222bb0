/**
 * The load generator, run as its own process (forked by bench/ingest.ts) so that it does not
 * share the event loop or core with the server it measures. Takes one job over IPC, answers
 * with a summary and exits.
 */
import autocannon from 'autocannon';
import { percentile } from './lib/report.js';

export interface LoadJob {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

export interface LoadSummary {
  seconds: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  perSecond: number;
  p50: number;
  p99: number;
  statusCodes: Record<string, number>;
  /** CPU time (user + system) this load generator spent in the measured period, in microseconds. */
  cpuMicros: number;
}

/** Sent before the measured period starts, so the server's process can start counting its own CPU time there. */
export interface LoadMeasuring {
  measuring: true;
}

function fire(job: LoadJob, seconds: number, onLatency?: (ms: number, status: number) => void): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const opts = { url: job.url, method: job.method, headers: job.headers, body: job.body, connections: job.connections, duration: seconds };
    const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
    // autocannon's own histogram keeps whole milliseconds; the event has the exact time.
    if (onLatency) instance.on('response', (_client, status, _bytes, ms) => onLatency(ms, status));
  });
}

process.once('message', async (job: LoadJob) => {
  if (job.warmupSeconds > 0) await fire(job, job.warmupSeconds);
  const latencies: number[] = [];
  process.send!({ measuring: true } satisfies LoadMeasuring);
  const cpu = process.cpuUsage();
  const result = await fire(job, job.seconds, (ms, status) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const used = process.cpuUsage(cpu);
  const statusCodes: Record<string, number> = {};
  for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = s.count ?? 0;
  const summary: LoadSummary = {
    seconds: result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    perSecond: result['2xx'] / result.duration,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    statusCodes,
    cpuMicros: used.user + used.system,
  };
  process.send!(summary, () => process.exit(0));
});
