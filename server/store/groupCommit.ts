/**
 * Group commit: every write submitted before the next flush runs (the same tick, or while the
 * previous write is still syncing) goes to disk in ONE write + ONE sync, and each submitter's
 * promise settles only when the write that carried its item is durable. Under load this turns
 * N fsyncs into one, which is what keeps write cost flat.
 */
export interface PendingItem<T> {
  readonly item: T;
  /** Settled by the commit function for partial successes; otherwise by the committer. */
  settled: boolean;
  resolve(): void;
  reject(err: unknown): void;
}

/** Writes a batch; may settle items itself (e.g. a batch split over two files), the rest follow the outcome. */
export type CommitFn<T> = (batch: Array<PendingItem<T>>) => Promise<void>;

export class GroupCommit<T> {
  private queue: Array<PendingItem<T>> = [];
  private running: Promise<void> | undefined;
  private scheduled = false;
  /** Number of flushes (file writes) done: lets tests see that concurrent writes coalesced. */
  flushes = 0;

  constructor(private readonly commit: CommitFn<T>) {}

  /** Items submitted but not yet taken by a flush (they are newer than any in-flight batch). */
  get queued(): ReadonlyArray<PendingItem<T>> {
    return this.queue;
  }

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const p: PendingItem<T> = {
        item,
        settled: false,
        resolve: () => {
          if (p.settled) return;
          p.settled = true;
          resolve();
        },
        reject: (err) => {
          if (p.settled) return;
          p.settled = true;
          reject(err);
        },
      };
      this.queue.push(p);
      this.schedule();
    });
  }

  /** Resolves once everything submitted so far has been written (or failed). */
  async drain(): Promise<void> {
    while (this.running || this.queue.length > 0) {
      if (!this.running) this.schedule(true);
      await this.running;
    }
  }

  private schedule(now = false): void {
    if (this.running || (this.scheduled && !now)) return;
    this.scheduled = true;
    const start = () => {
      if (this.running) return;
      this.scheduled = false;
      this.running = this.loop().finally(() => {
        this.running = undefined;
        if (this.queue.length > 0) this.schedule();
      });
    };
    // setImmediate: everything submitted during this turn of the event loop joins one batch.
    if (now) start();
    else setImmediate(start);
  }

  private async loop(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      this.flushes++;
      try {
        await this.commit(batch);
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
  }
}
