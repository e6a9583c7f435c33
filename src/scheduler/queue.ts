/**
 * The bounded request queue: priorities (high before normal before low, first come first served
 * within one), a hard capacity, and an overload state with hysteresis. Once full it answers "no" at
 * once, with an estimate of when to come back, until it has drained to its low-water mark; so it never
 * flaps between accepting and refusing at the brim, and the estimate it gives is the time to get there.
 */
import type { Priority } from './protocol.ts';

export const PRIORITY_RANK: Readonly<Record<Priority, number>> = { high: 0, normal: 1, low: 2 };

export interface QueueEntry<T> {
  item: T;
  priority: Priority;
  /** Arrival order; a re-queued item keeps its original one and so its place. */
  seq: number;
}

export type OfferAnswer = { ok: true } | { ok: false; enteredOverload: boolean };

export class BoundedQueue<T> {
  private readonly lanes: QueueEntry<T>[][] = [[], [], []];
  private seq = 0;
  private overloaded = false;
  readonly lowWater: number;

  constructor(
    readonly capacity: number,
    /** Below this many entries an overloaded queue accepts again; default 90 % of the capacity. */
    lowWater?: number,
  ) {
    if (!(capacity >= 1)) throw new RangeError(`Queue capacity must be at least 1 (got ${capacity}).`);
    this.lowWater = Math.max(0, Math.min(capacity - 1, lowWater ?? Math.floor(0.9 * capacity)));
  }

  get length(): number {
    return this.lanes[0]!.length + this.lanes[1]!.length + this.lanes[2]!.length;
  }

  get isOverloaded(): boolean {
    return this.overloaded;
  }

  /** Whether `count` more entries would be accepted right now (all or none). */
  canAccept(count: number): boolean {
    return !this.overloaded && this.length + count <= this.capacity;
  }

  /**
   * Adds all of `items` or none, at one priority or at each item's own. A refusal that fills the brim
   * switches the queue to overloaded.
   */
  offerAll(items: readonly T[], priority: Priority | ((item: T) => Priority)): OfferAnswer {
    if (!this.canAccept(items.length)) {
      const entered = !this.overloaded;
      this.overloaded = true;
      return { ok: false, enteredOverload: entered };
    }
    for (const item of items) this.insert({ item, priority: typeof priority === 'function' ? priority(item) : priority, seq: this.seq++ });
    return { ok: true };
  }

  /** Puts an entry back (a retry), ahead of everything that arrived after it; ignores the capacity. */
  requeue(entry: QueueEntry<T>): void {
    this.insert(entry);
  }

  /** Entries in service order. A snapshot: safe to mutate the queue while iterating it. */
  entries(): QueueEntry<T>[] {
    return [...this.lanes[0]!, ...this.lanes[1]!, ...this.lanes[2]!];
  }

  /** Removes the entry holding `item`; returns it, or null. */
  remove(item: T): QueueEntry<T> | null {
    for (const lane of this.lanes) {
      const i = lane.findIndex((e) => e.item === item);
      if (i >= 0) return lane.splice(i, 1)[0]!;
    }
    return null;
  }

  removeWhere(predicate: (item: T) => boolean): QueueEntry<T>[] {
    const removed: QueueEntry<T>[] = [];
    for (const lane of this.lanes) {
      for (let i = lane.length - 1; i >= 0; i--) {
        if (predicate(lane[i]!.item)) removed.unshift(lane.splice(i, 1)[0]!);
      }
    }
    return removed;
  }

  /**
   * Ends the overload once the queue has drained to its low-water mark. Returns true when it just did
   * (the scheduler tells the user it recovered).
   */
  checkRecovery(): boolean {
    if (this.overloaded && this.length <= this.lowWater) {
      this.overloaded = false;
      return true;
    }
    return false;
  }

  private insert(entry: QueueEntry<T>): void {
    const lane = this.lanes[PRIORITY_RANK[entry.priority]]!;
    // Almost always an append; a re-queued entry walks back to its arrival place.
    let i = lane.length;
    while (i > 0 && lane[i - 1]!.seq > entry.seq) i--;
    lane.splice(i, 0, entry);
  }
}

/** Recent service times (ms from queued to settled), to say how long a wait is. */
export class ServiceTimes {
  private readonly samples: number[] = [];
  private next = 0;

  constructor(private readonly window = 32) {}

  record(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    if (this.samples.length < this.window) this.samples.push(ms);
    else this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.window;
  }

  /** Mean of the recent service times, or `fallbackMs` before there are any. */
  mean(fallbackMs: number): number {
    if (this.samples.length === 0) return fallbackMs;
    return this.samples.reduce((s, v) => s + v, 0) / this.samples.length;
  }

  get count(): number {
    return this.samples.length;
  }
}

export interface RetryEstimateInput {
  queued: number;
  lowWater: number;
  /** Jobs served at once. */
  concurrency: number;
  /** Mean time one job holds its slot. */
  meanServiceMs: number;
}

/**
 * Time until the queue drains to its low-water mark at the recent pace: (entries above the mark ÷
 * jobs served at once) × mean service time, rounded up to a whole second, at least one second.
 */
export function estimateRetryAfterMs({ queued, lowWater, concurrency, meanServiceMs }: RetryEstimateInput): number {
  const above = Math.max(1, queued - lowWater);
  const ms = (above / Math.max(1, concurrency)) * Math.max(0, meanServiceMs);
  return Math.max(1000, Math.ceil(ms / 1000) * 1000);
}

export function overloadMessage(queued: number, retryAfterMs: number): string {
  return `Overloaded: ${queued} request${queued === 1 ? ' is' : 's are'} already waiting. Retry in ~${Math.round(retryAfterMs / 1000)} s.`;
}
