import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FrameCallback } from '../perf/frame-loop.ts';
import { FrameSampler, SAMPLE_EVERY_MS, type PageSample } from './frame-sampler.ts';

/** A sampler on a hand-driven frame loop, clock and long-task feed. */
function sampler(options: { longTasks?: boolean; memory?: number | null } = {}) {
  let time = 0;
  let frameCallback: FrameCallback | null = null;
  let onTask: ((ms: number) => void) | null = null;
  const samples: PageSample[] = [];
  const s = new FrameSampler((sample) => samples.push(sample), {
    subscribeFrames: (callback) => {
      frameCallback = callback;
      return () => (frameCallback = null);
    },
    readMemoryShare: () => options.memory ?? null,
    now: () => time,
    observeLongTasks: (callback) => {
      if (options.longTasks === false) return null;
      onTask = callback;
      return () => (onTask = null);
    },
  });
  const frames = (deltas: number[]) => {
    for (const deltaMs of deltas) frameCallback?.({ now: time, deltaMs });
  };
  const period = () => {
    time += SAMPLE_EVERY_MS;
    vi.advanceTimersByTime(SAMPLE_EVERY_MS);
  };
  return { s, samples, frames, period, task: (ms: number) => onTask?.(ms), subscribed: () => frameCallback !== null };
}

describe('FrameSampler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reports the mean of the loop’s frame deltas, the long-task share and the memory share once per period', () => {
    const { s, samples, frames, period, task } = sampler({ memory: 0.4 });
    s.start();
    // The loop's first frame has no predecessor (delta 0): not a frame time.
    frames([0, 10, 20, 30, 20, 20]);
    task(250);
    period();
    expect(samples).toEqual([{ meanFrameMs: 20, cpuBusy: 0.25, memoryFraction: 0.4 }]);
    frames([16, 16, 16, 16, 16]);
    period();
    expect(samples[1]).toEqual({ meanFrameMs: 16, cpuBusy: 0, memoryFraction: 0.4 });
  });

  it('says nothing for a period with too few frames (a hidden page draws none)', () => {
    const { s, samples, frames, period } = sampler();
    s.start();
    frames([16, 16]);
    period();
    expect(samples).toEqual([]);
  });

  it('gives no CPU share without long-task timing', () => {
    const { s, samples, frames, period } = sampler({ longTasks: false });
    s.start();
    frames([16, 16, 16, 16, 16]);
    period();
    expect(samples[0]?.cpuBusy).toBeNull();
  });

  it('leaves the frame loop and stops reporting on stop', () => {
    const { s, samples, frames, period, subscribed } = sampler();
    s.start();
    expect(subscribed()).toBe(true);
    frames([16, 16, 16, 16, 16]);
    s.stop();
    expect(subscribed()).toBe(false);
    period();
    expect(samples).toEqual([]);
  });
});
