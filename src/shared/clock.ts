/**
 * Time as code that waits or expires sees it. Production uses the system clock; tests pass a
 * clock they move by hand, so backoff, leases, token expiry and retention are tested without sleeping.
 */
export interface Clock {
  now(): number;
  /** Resolves after `ms` of this clock's time, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, signal),
};

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * A clock that moves only when told. `sleep` resolves once `advance` has moved past its time,
 * so a test can run hours of retries in milliseconds.
 */
export class ManualClock implements Clock {
  private waiting: Array<{ at: number; resolve: () => void }> = [];
  constructor(private t = Date.UTC(2031, 0, 1)) {}

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const entry = { at: this.t + ms, resolve };
      this.waiting.push(entry);
      signal?.addEventListener(
        'abort',
        () => {
          this.waiting = this.waiting.filter((w) => w !== entry);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Moves time forward and wakes every sleeper whose time has come, in order. */
  async advance(ms: number): Promise<void> {
    this.t += ms;
    const due = this.waiting.filter((w) => w.at <= this.t).sort((a, b) => a.at - b.at);
    this.waiting = this.waiting.filter((w) => w.at > this.t);
    for (const w of due) w.resolve();
    // Let the woken code run up to its next await before the caller looks.
    await new Promise((r) => setImmediate(r));
  }
}
