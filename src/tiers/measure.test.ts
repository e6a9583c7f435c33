import { describe, expect, it } from 'vitest';
import { median, sampleAdaptive } from './measure';

describe('median', () => {
  it.each([
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[5], 5],
  ])('%j → %d', (values, expected) => expect(median(values)).toBe(expected));
  it('of nothing is NaN', () => expect(median([])).toBeNaN());
});

describe('sampleAdaptive', () => {
  it('warms up, grows the repetitions to the minimum sample time, then takes the median per repetition', async () => {
    const calls: number[] = [];
    const result = await sampleAdaptive(
      (reps) => {
        calls.push(reps);
        return reps * 0.5; // 0.5 ms per repetition
      },
      { warmups: 2, settleMs: 0, samples: 3, minSampleMs: 20, maxReps: 1000 },
    );
    // 2 warm-ups, a probe at 1 (0.5 ms, too short), a jump to 48 (24 ms ≥ 20), then 3 samples.
    expect(calls).toEqual([1, 1, 1, 48, 48, 48, 48]);
    expect(result).toEqual({ reps: 48, bestSecondsPerRep: 0.0005, medianSecondsPerRep: 0.0005, samples: 3 });
  });

  it('stops growing at maxReps on an implausibly fast kernel', async () => {
    const result = await sampleAdaptive(() => 0, { warmups: 0, settleMs: 0, samples: 2, minSampleMs: 20, maxReps: 100 });
    expect(result.reps).toBe(100);
  });

  it('reports the fastest sample, and the median beside it', async () => {
    const times = [2, 25, 30, 500, 26];
    const result = await sampleAdaptive(() => times.shift() ?? 25, { warmups: 1, settleMs: 1, samples: 3, minSampleMs: 20, maxReps: 1 });
    // warm-up 2, probe 25 (long enough), samples 30, 500, 26
    expect(result.bestSecondsPerRep).toBe(0.026);
    expect(result.medianSecondsPerRep).toBe(0.03);
  });
});
