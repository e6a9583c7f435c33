import { describe, expect, it } from 'vitest';
import { replaySchedule } from './replay-pacing.ts';

describe('replaySchedule', () => {
  it.each<[string, number[], number, number[]]>([
    ['nothing to show', [], 600, []],
    ['one piece: at once', [0], 600, [0]],
    ['a fast original keeps its own pace', [0, 10, 30], 600, [0, 10, 30]],
    ['a slow original is sped up to the cap, shape kept', [0, 1000, 3000], 600, [0, 200, 600]],
    ['instant (the benchmark): everything at 0', [0, 1000, 3000], 0, [0, 0, 0]],
    ['a flat shape is spread evenly', [0, 0, 0], 600, [0, 300, 600]],
    ['a shape going backwards is spread evenly', [0, 50, 20], 100, [0, 50, 100]],
  ])('%s', (_name, offsets, maxTotalMs, expected) => {
    expect(replaySchedule(offsets, { maxTotalMs })).toEqual(expected);
  });
});
