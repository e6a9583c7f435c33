import { describe, expect, it } from 'vitest';
import { LaneRate, energyOf } from './energy.ts';

describe('energyOf', () => {
  it.each([
    [0, 100, 0],
    [50, 100, 0.5],
    [100, 100, 1],
    [250, 100, 1],
    [30, 40, 0.75],
    [-5, 100, 0],
    [50, 0, 0],
    [Number.NaN, 100, 0],
  ])('%s tok/s over max %s → %s', (tps, max, energy) => {
    expect(energyOf(tps, max)).toBeCloseTo(energy);
  });
});

describe('LaneRate', () => {
  const cases: { name: string; arrivals: [number, number][]; now: number; tps: number }[] = [
    { name: 'nothing yet', arrivals: [], now: 1000, tps: 0 },
    { name: 'ten tokens in the last second', arrivals: Array.from({ length: 10 }, (_, i): [number, number] => [i * 100, 1]), now: 999, tps: 10 },
    { name: 'frame batches count their tokens', arrivals: [[0, 5], [16, 7], [33, 8]], now: 500, tps: 20 },
    { name: 'old arrivals leave the window', arrivals: [[0, 50], [900, 10]], now: 1500, tps: 10 },
    { name: 'a stall falls to zero', arrivals: [[0, 50]], now: 1000, tps: 0 },
  ];
  it.each(cases)('$name', ({ arrivals, now, tps }) => {
    const rate = new LaneRate(1000);
    for (const [at, n] of arrivals) rate.add(at, n);
    expect(rate.tokensPerSecond(now)).toBeCloseTo(tps);
  });

  it('keeps only its capacity of arrivals (no growth on a long stream)', () => {
    const rate = new LaneRate(1000, 4);
    for (let i = 0; i < 10; i++) rate.add(i, 1);
    expect(rate.tokensPerSecond(10)).toBe(4);
  });
});
