import { FaultInjector as RandomFaults, type FaultConfig as RandomFaultConfig } from '../common/index.js';

/**
 * The shared emulator faults (random, by rate, seeded) plus scripted ones that hit the n-th call
 * of one operation — what a test needs to cut one video part or lose one answer.
 */
export type Fault = 'error' | 'timeout' | 'drop-after-commit' | 'drop';

export type FaultConfig = Omit<RandomFaultConfig, 'spamBlockRate'> & {
  /**
   * Call number `call` (1-based, counted from when the faults were set) of `operation` gets
   * `fault`; `drop` destroys the connection before any side effect.
   */
  script?: Array<{ operation: string; call: number; fault: Fault }>;
};

export type FaultDecision = Fault | 'none';

export class FaultInjector {
  private readonly random = new RandomFaults();
  private config: FaultConfig = {};
  private readonly calls = new Map<string, number>();

  constructor(config: FaultConfig = {}) {
    this.set(config);
  }

  set(config: FaultConfig): void {
    const { script: _script, ...random } = config;
    this.random.set(random);
    this.config = { ...config };
    this.calls.clear();
  }

  get(): FaultConfig {
    return { ...this.config };
  }

  get hangMs(): number {
    return this.random.hangMs;
  }

  latencyFor(operation: string): number {
    return this.random.latencyFor(operation);
  }

  /** Decided once per request, before the handler runs, so an error, a hang or a drop has no side effect. */
  decide(operation: string, method: string): FaultDecision {
    const call = (this.calls.get(operation) ?? 0) + 1;
    this.calls.set(operation, call);
    const scripted = this.config.script?.find((s) => s.operation === operation && s.call === call);
    if (scripted) return scripted.fault;
    const decided = this.random.decide(operation, method);
    // LinkedIn has no spam-block answer of its own; the rate for it is never set here.
    return decided === 'spam-block' ? 'none' : decided;
  }

  pickErrorStatus(): 500 | 503 {
    return this.random.pickErrorStatus();
  }
}
