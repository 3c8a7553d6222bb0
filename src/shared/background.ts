import { systemClock, type Clock } from './clock.js';

/**
 * A unit of background work a worker repeats: publishing due deliveries, refreshing tokens,
 * retrying webhooks. Each capability contributes its passes; the worker only runs them.
 * All state lives in the database, so any number of workers may run the same passes.
 */
export interface BackgroundPass {
  name: string;
  /** Pause between runs when the last run found nothing to do. */
  idleIntervalMs: number;
  /** Does one batch of work; resolves to true when there may be more right away. */
  run(signal: AbortSignal): Promise<boolean>;
}

export class Worker {
  private readonly controller = new AbortController();
  private loops: Promise<void>[] = [];
  /** Per pass, ends its current idle wait early. */
  private readonly wakers = new Map<string, () => void>();

  constructor(
    private readonly passes: BackgroundPass[],
    private readonly log: { error(obj: object, msg: string): void },
    /** Times the pauses between runs; tests pass a ManualClock to step passes by hand. */
    private readonly clock: Clock = systemClock,
  ) {}

  get passNames(): string[] {
    return this.passes.map((p) => p.name);
  }

  start(): void {
    if (this.loops.length) return;
    this.loops = this.passes.map((pass) => this.loop(pass));
  }

  /** Ends a pass's idle wait now, e.g. when a post due now was just created in this process. */
  wake(passName: string): void {
    this.wakers.get(passName)?.();
  }

  /** Lets each pass finish its current batch, then resolves. */
  async stop(): Promise<void> {
    this.controller.abort();
    await Promise.all(this.loops);
    this.loops = [];
  }

  private async loop(pass: BackgroundPass): Promise<void> {
    const signal = this.controller.signal;
    let failures = 0;
    while (!signal.aborted) {
      let more = false;
      try {
        more = await pass.run(signal);
        failures = 0;
      } catch (err) {
        failures++;
        // A database outage should not spin: back off up to 30 s, then keep trying.
        this.log.error({ err, pass: pass.name, failures }, 'background pass failed');
      }
      if (more && failures === 0) continue;
      const wait = failures ? Math.min(30_000, 500 * 2 ** failures) : pass.idleIntervalMs;
      const woken = new AbortController();
      this.wakers.set(pass.name, () => woken.abort());
      await this.clock.sleep(wait, AbortSignal.any([signal, woken.signal]));
    }
  }
}
