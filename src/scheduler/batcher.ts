/**
 * Writes that many deliveries ask for at about the same time, made together: what is asked in
 * one turn of the event loop (the publishes that came back together) is written in one go, and
 * while that write is out, new requests wait and go together in the next. So a busy worker makes
 * a few large writes instead of many small ones, and an idle one still writes at once: nothing
 * waits on a timer. Each request gets its own answer; a failed write fails the requests in it.
 */
export class Batcher<T, R> {
  private queue: Array<{ item: T; resolve(r: R): void; reject(err: unknown): void }> = [];
  private writing = false;
  private due = false;

  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    /** At most this many requests in one write. */
    private readonly max = 500,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.writing || this.due) return;
    this.due = true;
    setImmediate(() => {
      this.due = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.max);
    if (!batch.length) return;
    this.writing = true;
    try {
      const results = await this.write(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(results[i]!));
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      this.writing = false;
      if (this.queue.length) this.schedule();
    }
  }
}
