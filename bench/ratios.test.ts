import { describe, expect, it } from 'vitest';
import { pairedSpeedRatio, spread } from './ratios.ts';

describe('benchmark ratios', () => {
  it('pairs runs in order and reports median with min–max', () => {
    const r = pairedSpeedRatio([30, 32, 34], [30, 40, 34], 'throughput');
    expect(r).toEqual({ median: 1, min: 0.8, max: 1, n: 3 });
  });

  it('inverts latencies so above 1 still means faster', () => {
    expect(pairedSpeedRatio([100], [200], 'latency').median).toBe(2);
  });

  it('ignores unmeasured values in a spread', () => {
    expect(spread([Number.NaN, 3, 1])).toEqual({ median: 2, min: 1, max: 3, n: 2 });
  });
});
