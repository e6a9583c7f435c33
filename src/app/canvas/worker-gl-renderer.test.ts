import { describe, expect, it } from 'vitest';
import { canvasWorkerSilence } from './worker-gl-renderer.ts';

describe('canvasWorkerSilence', () => {
  it.each([
    [0, 0, false],
    [9_999, 5_000, false],
    [60_000, 599, false],
    [10_000, 600, true],
    [12_500, 750, true],
  ])('%i ms and %i frames since the last report → dead: %s', (ms, frames, dead) => {
    const verdict = canvasWorkerSilence(ms, frames);
    expect(verdict !== null).toBe(dead);
    if (dead) expect(verdict).toBe(`the canvas worker stopped drawing: no frame reported for ${(ms / 1000).toFixed(1)} s while the page sent ${frames}`);
  });
});
