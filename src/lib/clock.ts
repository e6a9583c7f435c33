/**
 * Time as the scheduler and the synthetic engine see it: one injectable clock, so that tests run on
 * manual time and the benchmark on the real one, through the same code.
 */

export type TimerHandle = number;

export interface Clock {
  /** Milliseconds on a monotonic scale (performance.now() for the real clock). */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** performance.now() and the host's timers; works in a window, a worker and Node. */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms) as unknown as TimerHandle,
  clearTimeout: (handle) => globalThis.clearTimeout(handle as unknown as ReturnType<typeof setTimeout>),
};

interface PendingTimer {
  handle: TimerHandle;
  at: number;
  /** Ties break by creation order, as real timers do. */
  seq: number;
  callback: () => void;
}

/**
 * A clock that only moves when told to. `advance` fires due timers in time order and lets every
 * promise chain they start settle (a full macrotask turn) before the next one, so async code behaves
 * as it would on real time, only without waiting.
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private nextHandle = 1;
  private readonly timers = new Map<TimerHandle, PendingTimer>();

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const handle = this.nextHandle++;
    this.timers.set(handle, { handle, at: this.current + Math.max(0, ms), seq: this.seq++, callback });
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle);
  }

  /** Timers not yet fired. */
  pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await settle();
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      this.timers.delete(next.handle);
      this.current = next.at;
      next.callback();
      await settle();
    }
    this.current = target;
    await settle();
  }

  /** Advances in steps until `done()` holds or `limitMs` has passed; returns the time it took. */
  async runUntil(done: () => boolean, limitMs = 600_000, stepMs = 1): Promise<number> {
    const start = this.current;
    await settle();
    while (!done()) {
      if (this.current - start >= limitMs) throw new Error(`ManualClock.runUntil: condition still false after ${limitMs} ms`);
      const next = this.nextDue(Number.POSITIVE_INFINITY);
      // Jump straight to the next timer (bounded by the limit) rather than crawling.
      const step = next ? Math.max(stepMs, next.at - this.current) : stepMs;
      await this.advance(Math.min(step, limitMs - (this.current - start)));
    }
    return this.current - start;
  }

  private nextDue(target: number): PendingTimer | null {
    let best: PendingTimer | null = null;
    for (const timer of this.timers.values()) {
      if (timer.at > target) continue;
      if (!best || timer.at < best.at || (timer.at === best.at && timer.seq < best.seq)) best = timer;
    }
    return best;
  }
}

/** Lets every pending promise chain run to its end: one full macrotask turn of the host. */
export function settle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else globalThis.setTimeout(resolve, 0);
  });
}
