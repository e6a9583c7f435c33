import { describe, expect, it } from 'vitest';
import { FrameLoop, type FrameClock } from './frame-loop.ts';

/** A hand-driven frame clock: the test decides when each frame happens and how long work takes. */
class ManualClock implements FrameClock {
  time = 0;
  private pending: ((now: number) => void) | null = null;
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
  frame(at: number): void {
    this.time = at;
    const callback = this.pending;
    this.pending = null;
    callback?.(at);
  }
}

describe('FrameLoop', () => {
  it('runs subscribers in order once per frame and measures their busy time', () => {
    const clock = new ManualClock();
    const loop = new FrameLoop({ clock, publishEveryMs: 0 });
    const calls: string[] = [];
    loop.subscribe(() => calls.push('overlay'), 10);
    loop.subscribe(() => {
      calls.push('text');
      clock.time += 3;
    }, 0);
    loop.start();
    clock.frame(0);
    clock.frame(16);
    clock.frame(50);
    expect(calls).toEqual(['text', 'overlay', 'text', 'overlay', 'text', 'overlay']);
    const summary = loop.summary.value;
    expect(summary.frames).toBe(2);
    expect(summary.busyMs.max).toBe(3);
    expect(summary.lateFrames).toBe(1);
  });

  it('a failing subscriber does not stop the others or the loop', () => {
    const clock = new ManualClock();
    const loop = new FrameLoop({ clock });
    let drawn = 0;
    loop.subscribe(() => {
      throw new Error('broken');
    });
    loop.subscribe(() => drawn++);
    const originalError = console.error;
    console.error = () => {};
    try {
      loop.start();
      clock.frame(0);
      clock.frame(16);
    } finally {
      console.error = originalError;
    }
    expect(drawn).toBe(2);
  });

  it('unsubscribe stops the callbacks', () => {
    const clock = new ManualClock();
    const loop = new FrameLoop({ clock });
    let drawn = 0;
    const unsubscribe = loop.subscribe(() => drawn++);
    loop.start();
    clock.frame(0);
    unsubscribe();
    clock.frame(16);
    expect(drawn).toBe(1);
  });
});
