import { seededRandom } from '../../shared/index.js';

export interface FaultConfig {
  /** Added to every emulated API response. */
  latencyMs?: number;
  /** 0..1 fraction of API requests answered 500/503 before any side effect. */
  errorRate?: number;
  /** 0..1 fraction of API requests never answered; the socket is destroyed after `hangMs` or on close. */
  timeoutRate?: number;
  /** 0..1 fraction of write requests whose side effect is committed, then the socket is destroyed with no response. */
  dropAfterCommitRate?: number;
  /** 0..1 fraction of write requests refused as the platform's spam block (Pinterest: 429 code 9), before any side effect. */
  spamBlockRate?: number;
  /**
   * With `dropAfterCommitRate`: the answer is lost at once and the write is committed only this many
   * ms later (by the sandbox's clock), as a platform that commits slowly after the caller gave up.
   */
  commitDelayMs?: number;
  /** Apply faults only to these operations, named `METHOD /path-as-in-the-spec`. */
  only?: string[];
  /** Seed for reproducible fault sequences. */
  seed?: number;
  /** How long a "timeout" request hangs before its socket is destroyed; default 30000. */
  hangMs?: number;
}

export type FaultDecision = 'none' | 'spam-block' | 'error' | 'timeout' | 'drop-after-commit';

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

export class FaultInjector {
  private config: FaultConfig = {};
  private random: () => number = Math.random;

  constructor(config: FaultConfig = {}) {
    this.set(config);
  }

  set(config: FaultConfig): void {
    for (const key of ['errorRate', 'timeoutRate', 'dropAfterCommitRate', 'spamBlockRate'] as const) {
      const rate = config[key];
      if (rate !== undefined && !(rate >= 0 && rate <= 1)) throw new RangeError(`${key} must be within 0..1`);
    }
    if (config.commitDelayMs !== undefined && !(config.commitDelayMs >= 0 && Number.isFinite(config.commitDelayMs)))
      throw new RangeError('commitDelayMs must be a number of ms, 0 or more');
    this.config = { ...config };
    this.random = config.seed === undefined ? Math.random : seededRandom(config.seed);
  }

  get(): FaultConfig {
    return { ...this.config };
  }

  get commitDelayMs(): number {
    return this.config.commitDelayMs ?? 0;
  }

  get hangMs(): number {
    return this.config.hangMs ?? 30_000;
  }

  private applies(operation: string): boolean {
    return this.config.only === undefined || this.config.only.includes(operation);
  }

  latencyFor(operation: string): number {
    return this.applies(operation) ? (this.config.latencyMs ?? 0) : 0;
  }

  /** Decided once per request, before the handler runs, so a 5xx or a hang never has side effects. */
  decide(operation: string, method: string): FaultDecision {
    if (!this.applies(operation)) return 'none';
    const { errorRate = 0, timeoutRate = 0, dropAfterCommitRate = 0, spamBlockRate = 0 } = this.config;
    if (spamBlockRate > 0 && WRITE_METHODS.has(method) && this.random() < spamBlockRate) return 'spam-block';
    if (errorRate > 0 && this.random() < errorRate) return 'error';
    if (timeoutRate > 0 && this.random() < timeoutRate) return 'timeout';
    if (dropAfterCommitRate > 0 && WRITE_METHODS.has(method) && this.random() < dropAfterCommitRate) {
      return 'drop-after-commit';
    }
    return 'none';
  }

  pickErrorStatus(): 500 | 503 {
    return this.random() < 0.5 ? 500 : 503;
  }
}
