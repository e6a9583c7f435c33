/**
 * Fairness between token streams.
 *
 * - `RoundRobin`: per-stream FIFO queues served one item per stream in turn, so that when delivery is
 *   budgeted (a frame can only take so many pieces) a fast member never starves the others; nothing
 *   is dropped, the rest waits for the next turn.
 * - `LockStepGate`: the opt-in lock-step mode. Every member of a turn takes the same prompt, and its
 *   text advances one token at a time together with the others: token i of any member is released
 *   only once every member still generating has produced its token i. A member that ends (or fails)
 *   leaves the round, so one never holds the others up for longer than it lives; a member that stops
 *   answering holds them until the watchdog removes it.
 *
 * Engines still compute at their own pace in their own workers (the Engine contract has no "step"
 * call); lock-step is enforced where the text is delivered, which is what the user sees.
 */

export class RoundRobin<K, T> {
  private readonly queues = new Map<K, T[]>();
  /** Keys with items, in service order; the head is served next. */
  private ring: K[] = [];
  private total = 0;

  get size(): number {
    return this.total;
  }

  push(key: K, item: T): void {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = [];
      this.queues.set(key, queue);
    }
    if (queue.length === 0) this.ring.push(key);
    queue.push(item);
    this.total++;
  }

  /** The next item in round-robin order, or null when empty. */
  shift(): [K, T] | null {
    const key = this.ring.shift();
    if (key === undefined) return null;
    const queue = this.queues.get(key)!;
    const item = queue.shift()!;
    this.total--;
    if (queue.length > 0) this.ring.push(key);
    else this.queues.delete(key);
    return [key, item];
  }

  /** The next item of one stream, out of turn (its place in the ring is kept while it has more). */
  shiftFrom(key: K): T | undefined {
    const queue = this.queues.get(key);
    if (!queue || queue.length === 0) return undefined;
    const item = queue.shift()!;
    this.total--;
    if (queue.length === 0) {
      this.queues.delete(key);
      this.ring = this.ring.filter((k) => k !== key);
    }
    return item;
  }

  /** Up to `max` items, one per stream in turn. */
  take(max: number): [K, T][] {
    const out: [K, T][] = [];
    while (out.length < max) {
      const next = this.shift();
      if (!next) break;
      out.push(next);
    }
    return out;
  }

  /** The next item of `key` without taking it. */
  peek(key: K): T | undefined {
    return this.queues.get(key)?.[0];
  }

  pendingFor(key: K): number {
    return this.queues.get(key)?.length ?? 0;
  }
}

export interface LockStepHandlers<T> {
  release(streamId: string, item: T): void;
  /** The stream has ended and every one of its items has been released. */
  drained(streamId: string): void;
}

export class LockStepGate<T> {
  private readonly buffers = new Map<string, T[]>();
  private readonly ended = new Set<string>();
  private readonly order: string[];
  private rounds = 0;

  constructor(
    streamIds: readonly string[],
    private readonly handlers: LockStepHandlers<T>,
  ) {
    this.order = [...streamIds];
    for (const id of streamIds) this.buffers.set(id, []);
  }

  /** Rounds released so far: every member's text has advanced by this many tokens. */
  get releasedRounds(): number {
    return this.rounds;
  }

  push(streamId: string, item: T): void {
    const buffer = this.buffers.get(streamId);
    if (!buffer || this.ended.has(streamId)) return;
    buffer.push(item);
    this.releaseReady();
  }

  end(streamId: string): void {
    if (!this.buffers.has(streamId) || this.ended.has(streamId)) return;
    this.ended.add(streamId);
    this.releaseReady();
  }

  /** Items held back for a stream (it is ahead of the slowest one). */
  heldFor(streamId: string): number {
    return this.buffers.get(streamId)?.length ?? 0;
  }

  private releaseReady(): void {
    for (;;) {
      // Streams still in the round: generating, or ended with text not yet released.
      const live = this.order.filter((id) => this.buffers.has(id));
      if (live.length === 0) return;
      // Finished streams leave once drained.
      let anyDrained = false;
      for (const id of live) {
        if (this.ended.has(id) && this.buffers.get(id)!.length === 0) {
          this.buffers.delete(id);
          this.handlers.drained(id);
          anyDrained = true;
        }
      }
      if (anyDrained) continue;
      if (!live.every((id) => this.buffers.get(id)!.length > 0)) return;
      this.rounds++;
      for (const id of live) this.handlers.release(id, this.buffers.get(id)!.shift()!);
    }
  }
}
