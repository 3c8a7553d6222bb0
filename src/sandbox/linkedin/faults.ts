/**
 * Fault injection, the pattern of the other emulators (kept local to this folder until a shared
 * one lands): random faults by rate, seeded for reproducible runs, plus scripted faults that hit
 * the n-th call of one operation — what a test needs to cut one video part or drop one answer.
 */
export type Fault = 'error' | 'timeout' | 'drop-after-commit' | 'drop';

export interface FaultConfig {
  /** Added to every faultable response. */
  latencyMs?: number;
  /** 0..1 of requests answered 500/503 before any side effect. */
  errorRate?: number;
  /** 0..1 of requests never answered (the socket is destroyed after `hangMs` or on close). */
  timeoutRate?: number;
  /** 0..1 of writes committed, then the connection destroyed with no answer. */
  dropAfterCommitRate?: number;
  /** Random faults only for these operations (`POST /rest/posts`). */
  only?: string[];
  seed?: number;
  /** How long a "timeout" request hangs; default 30000. */
  hangMs?: number;
  /**
   * Scripted faults: call number `call` (1-based, counted from when the faults were set) of
   * `operation` gets `fault`. `drop` destroys the connection before any side effect.
   */
  script?: Array<{ operation: string; call: number; fault: Fault }>;
}

export type FaultDecision = Fault | 'none';

/** mulberry32: tiny, deterministic, good enough to pick faults reproducibly. */
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

const WRITES = new Set(['POST', 'PUT', 'DELETE']);

export class FaultInjector {
  private config: FaultConfig = {};
  private random: () => number = Math.random;
  private readonly calls = new Map<string, number>();

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
    this.calls.clear();
  }

  get(): FaultConfig {
    return { ...this.config };
  }

  get hangMs(): number {
    return this.config.hangMs ?? 30_000;
  }

  latencyFor(operation: string): number {
    return this.config.only === undefined || this.config.only.includes(operation) ? (this.config.latencyMs ?? 0) : 0;
  }

  /** Decided once per request, before the handler runs, so an error, a hang or a drop has no side effect. */
  decide(operation: string, method: string): FaultDecision {
    const call = (this.calls.get(operation) ?? 0) + 1;
    this.calls.set(operation, call);
    const scripted = this.config.script?.find((s) => s.operation === operation && s.call === call);
    if (scripted) return scripted.fault;
    if (this.config.only !== undefined && !this.config.only.includes(operation)) return 'none';
    const { errorRate = 0, timeoutRate = 0, dropAfterCommitRate = 0 } = this.config;
    if (errorRate > 0 && this.random() < errorRate) return 'error';
    if (timeoutRate > 0 && this.random() < timeoutRate) return 'timeout';
    if (dropAfterCommitRate > 0 && WRITES.has(method) && this.random() < dropAfterCommitRate) return 'drop-after-commit';
    return 'none';
  }

  pickErrorStatus(): 500 | 503 {
    return this.random() < 0.5 ? 500 : 503;
  }
}
