import { describe, expect, it } from 'vitest';
import { summarizeFrames } from './frame-window.ts';
import { runFrames } from './run-record.ts';

describe('runFrames', () => {
  it('keeps the frame summary figures a run record stores', () => {
    // 9 frames on time (16 ms) and one late (50 ms) at a 60 FPS target.
    const deltas = [16, 16, 16, 16, 16, 16, 16, 16, 16, 50];
    let at = 0;
    const frames = deltas.map((deltaMs) => ({ at: (at += deltaMs), deltaMs, busyMs: 1 }));
    const record = runFrames(summarizeFrames(frames, 60, 2));
    expect(record.lateFraction).toBeCloseTo(0.1);
    expect(record.frameP50Ms).toBe(16);
    expect(record.frameP99Ms).toBeGreaterThan(16);
    expect(record.fps).toBeCloseTo(10_000 / 194);
    expect(record.longAnimationFrames).toBe(2);
  });
});
