import { describe, expect, it } from 'vitest';
import { FrameLoop } from './frame-loop.ts';
import { ManualFrameClock } from './manual-frame-clock.ts';

describe('FrameLoop', () => {
  it('runs subscribers in order once per frame and measures their busy time', () => {
    const clock = new ManualFrameClock();
    const loop = new FrameLoop({ clock, publishEveryMs: 0 });
    const calls: string[] = [];
    loop.subscribe(() => calls.push('overlay'), 10);
    loop.subscribe(() => {
      calls.push('text');
      clock.time += 3;
    }, 0);
    loop.start();
    clock.frameAt(0);
    clock.frameAt(16);
    clock.frameAt(50);
    expect(calls).toEqual(['text', 'overlay', 'text', 'overlay', 'text', 'overlay']);
    const summary = loop.summary.value;
    expect(summary.frames).toBe(2);
    expect(summary.busyMs.max).toBe(3);
    expect(summary.lateFrames).toBe(1);
  });

  it('a failing subscriber does not stop the others or the loop', () => {
    const clock = new ManualFrameClock();
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
      clock.frameAt(0);
      clock.frameAt(16);
    } finally {
      console.error = originalError;
    }
    expect(drawn).toBe(2);
  });

  it('unsubscribe stops the callbacks', () => {
    const clock = new ManualFrameClock();
    const loop = new FrameLoop({ clock });
    let drawn = 0;
    const unsubscribe = loop.subscribe(() => drawn++);
    loop.start();
    clock.frameAt(0);
    unsubscribe();
    clock.frameAt(16);
    expect(drawn).toBe(1);
  });
});
