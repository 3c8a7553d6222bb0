/**
 * Fault injection for the TikTok emulator. Kept local and small (the shared emulator pieces were
 * on another branch when this was written); the fields match the other emulators' FaultConfig,
 * plus `after`/`times` to aim at one request (the second chunk, say) and `failProcessing`.
 */
export interface FaultConfig {
  /** Added to every API response. */
  latencyMs?: number;
  /** 0..1 fraction of requests answered 500/503 internal_error before any side effect. */
  errorRate?: number;
  /** 0..1 fraction of requests never answered (socket destroyed after hangMs or on close). */
  timeoutRate?: number;
  /** 0..1 fraction of writes committed, then the connection dropped with no answer. */
  dropAfterCommitRate?: number;
  /** Only these operations, e.g. ['POST /v2/post/publish/video/init/', 'PUT /upload/']. */
  only?: string[];
  /** Let this many matching requests through before injecting. */
  after?: number;
  /** Inject at most this many faults, then none. */
  times?: number;
  seed?: number;
  hangMs?: number;
  /** Every publish whose bytes arrive fails processing with this fail_reason (e.g. "file_format_check_failed"). */
  failProcessing?: string;
}

export type FaultDecision = 'none' | 'error' | 'timeout' | 'drop-after-commit';

function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private config: FaultConfig = {};
  private random: () => number = Math.random;
  private seen = 0;
  private injected = 0;

  constructor(config: FaultConfig = {}) {
    this.set(config);
  }

  set(config: FaultConfig): void {
    for (const key of ['errorRate', 'timeoutRate', 'dropAfterCommitRate'] as const) {
      const rate = config[key];
      if (rate !== undefined && !(rate >= 0 && rate <= 1)) throw new RangeError(`${key} must be within 0..1`);
    }
    this.config = { ...config };
    this.random = config.seed === undefined ? Math.random : seededRandom(config.seed);
    this.seen = 0;
    this.injected = 0;
  }

  get(): FaultConfig {
    return { ...this.config };
  }

  get hangMs(): number {
    return this.config.hangMs ?? 30_000;
  }

  get failProcessing(): string | undefined {
    return this.config.failProcessing;
  }

  private applies(operation: string): boolean {
    return this.config.only === undefined || this.config.only.includes(operation);
  }

  latencyFor(operation: string): number {
    return this.applies(operation) ? (this.config.latencyMs ?? 0) : 0;
  }

  /** Decided once per request, before the handler runs, so a 5xx or a hang never has side effects. */
  decide(operation: string, write: boolean): FaultDecision {
    if (!this.applies(operation)) return 'none';
    const { errorRate = 0, timeoutRate = 0, dropAfterCommitRate = 0, after = 0, times } = this.config;
    if (errorRate === 0 && timeoutRate === 0 && dropAfterCommitRate === 0) return 'none';
    if (this.seen++ < after) return 'none';
    if (times !== undefined && this.injected >= times) return 'none';
    let decision: FaultDecision = 'none';
    if (errorRate > 0 && this.random() < errorRate) decision = 'error';
    else if (timeoutRate > 0 && this.random() < timeoutRate) decision = 'timeout';
    else if (dropAfterCommitRate > 0 && write && this.random() < dropAfterCommitRate) decision = 'drop-after-commit';
    if (decision !== 'none') this.injected++;
    return decision;
  }

  pickErrorStatus(): 500 | 503 {
    return this.random() < 0.5 ? 500 : 503;
  }
}
