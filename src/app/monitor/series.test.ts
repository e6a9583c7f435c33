import { describe, expect, it } from 'vitest';
import { FrameIntervals, RingSeries } from './series.ts';

describe('RingSeries', () => {
  it('keeps the newest `capacity` samples, oldest first, with null for unknown values', () => {
    const ring = new RingSeries(3, ['a', 'b']);
    ring.push(1, [10, null]);
    ring.push(2, [20, 2]);
    expect(ring.columns()).toEqual([
      [1, 2],
      [10, 20],
      [null, 2],
    ]);
    ring.push(3, [30, Number.NaN]);
    ring.push(4, [40, 4]);
    ring.push(5, [50, Number.POSITIVE_INFINITY]);
    expect(ring.length).toBe(3);
    expect(ring.columns()).toEqual([
      [3, 4, 5],
      [30, 40, 50],
      [null, 4, null],
    ]);
  });
});

describe('FrameIntervals', () => {
  it('gives FPS over the interval its frames cover, and null when there were none', () => {
    const frames = new FrameIntervals();
    for (let i = 0; i < 15; i++) frames.add(1000 / 60);
    const sample = frames.takeFps(1250);
    expect(sample.fps).toBeCloseTo(60, 6);
    expect(sample.from).toBeCloseTo(1000, 6);
    expect(sample.to).toBe(1250);
    frames.add(0);
    expect(frames.takeFps(1500).fps).toBeNull();
  });

  it('gives the median and 95th percentile of the bucket, then starts a new one', () => {
    const frames = new FrameIntervals();
    for (let i = 1; i <= 100; i++) frames.add(i);
    expect(frames.takeFrameTimes()).toEqual({ p50: 50.5, p95: 95.05 });
    expect(frames.takeFrameTimes()).toEqual({ p50: null, p95: null });
  });
});
