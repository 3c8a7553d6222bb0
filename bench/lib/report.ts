import { appendFileSync } from 'node:fs';

/** BENCH_QUICK=1 trades size for time; every bench reads the same switch. */
export const QUICK = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';

/** Nearest-rank percentile of an unsorted sample (p in 0..100). */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const ms = (v: number, digits = 1) => (Number.isFinite(v) ? `${v.toFixed(digits)} ms` : 'n/a');
export const num = (v: number, digits = 0) =>
  Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';
export const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(3)}×` : 'n/a');
export const mib = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;

/** Prints rows as an aligned text table; the first row is the header. The first `left` columns are text, the rest figures. */
export function table(title: string, rows: string[][], left = 1): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => (c < left ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ')
      .trimEnd();
  console.log(`\n${title}`);
  console.log(line(rows[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
}

/**
 * Peak resident set size of this process. The kernel's high-water mark (maxRSS) covers the
 * whole life of the process; sampling also gives the peak within one phase.
 */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

export function rssSampler(intervalMs = 100): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

/**
 * Hands a bench's headline figures to bench/run.ts for the closing summary: one JSON line per
 * figure in $BENCH_RESULTS. Alone (no file), the bench's own tables are the report.
 */
export function record(bench: string, figure: string, value: string): void {
  const file = process.env.BENCH_RESULTS;
  if (file) appendFileSync(file, `${JSON.stringify({ bench, figure, value })}\n`);
}

export const elapsed = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
