import { describe, expect, it } from 'vitest';
import { FrameWindow, summarizeFrames, type FrameRecord } from './frame-window.ts';

const steady = (count: number, deltaMs: number, busyMs = 1): FrameRecord[] =>
  Array.from({ length: count }, (_, i) => ({ at: (i + 1) * deltaMs, deltaMs, busyMs }));

describe('summarizeFrames', () => {
  it.each([
    { name: 'steady 60 Hz', frames: steady(60, 1000 / 60), fps: 60, late: 0 },
    { name: 'steady 30 Hz against a 60 FPS target: every frame late', frames: steady(30, 1000 / 30), fps: 30, late: 30 },
    {
      name: 'one 50 ms hitch in 60 Hz',
      frames: [...steady(59, 1000 / 60), { at: 1050, deltaMs: 50, busyMs: 40 }],
      fps: (60 * 1000) / (59 * (1000 / 60) + 50),
      late: 1,
    },
  ])('$name', ({ frames, fps, late }) => {
    const summary = summarizeFrames(frames, 60, null);
    expect(summary.fps).toBeCloseTo(fps, 6);
    expect(summary.lateFrames).toBe(late);
    expect(summary.lateFraction).toBeCloseTo(late / frames.length, 9);
  });

  it('a 30 FPS target counts 30 Hz frames as on time', () => {
    expect(summarizeFrames(steady(30, 1000 / 30), 30, 0).lateFrames).toBe(0);
  });

  it('percentiles of frame and busy time', () => {
    const frames = Array.from({ length: 101 }, (_, i) => ({ at: i * 20, deltaMs: 10 + i * 0.1, busyMs: i * 0.05 }));
    const summary = summarizeFrames(frames, 60, 2);
    expect(summary.frameMs.p50).toBeCloseTo(15, 9);
    expect(summary.frameMs.p95).toBeCloseTo(19.5, 9);
    expect(summary.busyMs.p95).toBeCloseTo(4.75, 9);
    expect(summary.busyMs.max).toBeCloseTo(5, 9);
    expect(summary.longAnimationFrames).toBe(2);
  });

  it('no frames: zero fps, no late frames, NaN percentiles', () => {
    const summary = summarizeFrames([], 60, null);
    expect(summary).toMatchObject({ frames: 0, fps: 0, lateFrames: 0, lateFraction: 0, longAnimationFrames: null });
    expect(summary.frameMs.p95).toBeNaN();
  });
});

describe('FrameWindow', () => {
  it('keeps only the frames of the last window', () => {
    const window = new FrameWindow(100);
    for (const frame of steady(20, 10)) window.push(frame);
    const kept = window.frames();
    expect(kept[0]!.at).toBe(100);
    expect(kept.at(-1)!.at).toBe(200);
  });

  it('drops the oldest when its ring is full', () => {
    const window = new FrameWindow(1e9, 4);
    for (const frame of steady(6, 10)) window.push(frame);
    expect(window.frames().map((f) => f.at)).toEqual([30, 40, 50, 60]);
  });

  it('clear empties it', () => {
    const window = new FrameWindow(1000);
    window.push({ at: 1, deltaMs: 16, busyMs: 1 });
    window.clear();
    expect(window.frames()).toEqual([]);
  });
});
