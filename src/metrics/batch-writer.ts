/**
 * Queues records in memory and hands them to a sink in one call per flush: at most one write every
 * `flushAfterMs`, and at once when the page is being hidden or left, so a reload right after a run
 * still keeps it. Enqueueing is a push and a timer check, never a storage call, so it is safe to call
 * from anywhere; the app still only calls it after a stream has ended.
 */

export interface BatchSink<T, R> {
  /**
   * Writes every item in one transaction and answers one result per item, in order; all or nothing.
   * `urgent`: the page is going away, so every request must be issued before the first await (no
   * task of this page may run again) and housekeeping waits for the next ordinary write.
   */
  write(items: readonly T[], urgent: boolean): Promise<R[]>;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Where the page announces that it is going away (window and document in a browser). */
export interface PageLifecycle {
  addEventListener(type: 'pagehide' | 'visibilitychange', listener: () => void): void;
  isHidden(): boolean;
}

interface Pending<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export const DEFAULT_FLUSH_AFTER_MS = 1000;

/**
 * `?wf-debug-batch-ms=N` sets the batch interval for one page (a debug hook for tests: with a long
 * interval, a test can tell a write that waits for the batch from one that does not). Whole
 * milliseconds up to an hour; anything else keeps the default.
 */
export function flushAfterMsFromQuery(search: string): number {
  const raw = new URLSearchParams(search).get('wf-debug-batch-ms');
  const value = raw === null || !/^\d+$/.test(raw) ? Number.NaN : Number(raw);
  return value >= 0 && value <= 3_600_000 ? value : DEFAULT_FLUSH_AFTER_MS;
}

export class BatchWriter<T, R> {
  private queue: Pending<T, R>[] = [];
  private timer: unknown = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly sink: BatchSink<T, R>,
    private readonly flushAfterMs: number = DEFAULT_FLUSH_AFTER_MS,
    private readonly timers: Timers = { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as number) },
  ) {}

  /** Flush whenever the page is hidden or being unloaded (bfcache included). */
  attach(lifecycle: PageLifecycle): void {
    lifecycle.addEventListener('pagehide', () => void this.flush(true));
    lifecycle.addEventListener('visibilitychange', () => {
      if (lifecycle.isHidden()) void this.flush(true);
    });
  }

  /** Resolves with the sink's result once the batch holding `item` is written; rejects if that write fails. */
  enqueue(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.timer ??= this.timers.setTimeout(() => void this.flush(), this.flushAfterMs);
    });
  }

  get pending(): number {
    return this.queue.length;
  }

  /**
   * Writes everything queued so far; writes never overlap, so batches land in the order they were
   * queued. An urgent flush (the page is going away) starts its write at once, in this task.
   */
  flush(urgent = false): Promise<void> {
    if (this.timer !== null) {
      this.timers.clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return this.writing;
    const write = async () => {
      try {
        const results = await this.sink.write(
          batch.map((p) => p.item),
          urgent,
        );
        batch.forEach((p, i) => p.resolve(results[i]!));
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    };
    // Waiting for an earlier write would let the page go before this one is issued; the store keeps
    // the two apart in separate transactions, which IndexedDB runs in the order they were created.
    this.writing = urgent ? Promise.all([this.writing, write()]).then(() => undefined) : this.writing.then(write);
    return this.writing;
  }
}

export function browserLifecycle(): PageLifecycle {
  return {
    addEventListener: (type, listener) => (type === 'pagehide' ? window : document).addEventListener(type, listener),
    isHidden: () => document.visibilityState === 'hidden',
  };
}
