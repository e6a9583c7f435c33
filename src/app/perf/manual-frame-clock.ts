/**
 * A hand-driven frame clock for tests (no requestAnimationFrame in Node): the test decides when each
 * frame happens, and may move `time` inside a callback to stand for work that takes time.
 */
import type { FrameClock } from './frame-loop.ts';

export class ManualFrameClock implements FrameClock {
  private pending: ((now: number) => void) | null = null;

  constructor(public time = 0) {}

  request(callback: (now: number) => void): number {
    this.pending = callback;
    return 1;
  }

  cancel(): void {
    this.pending = null;
  }

  now(): number {
    return this.time;
  }

  /** One frame at `at` (absolute). */
  frameAt(at: number): void {
    this.time = at;
    const callback = this.pending;
    this.pending = null;
    callback?.(at);
  }

  /** `count` frames `everyMs` apart; `during` runs before each one (e.g. to feed tokens). */
  frames(count: number, everyMs: number, during?: (now: number) => void): void {
    for (let i = 0; i < count; i++) {
      this.time += everyMs;
      during?.(this.time);
      this.frameAt(this.time);
    }
  }
}
