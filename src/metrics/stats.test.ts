import { describe, expect, it } from 'vitest';
import { median, medianInterval, percentile, spreadOf, summarize } from './stats.ts';

describe('percentile (linear interpolation, R-7)', () => {
  const oneToTen = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  it.each([
    [oneToTen, 0, 1],
    [oneToTen, 50, 5.5],
    [oneToTen, 90, 9.1],
    [oneToTen, 95, 9.55],
    [oneToTen, 99, 9.91],
    [oneToTen, 100, 10],
    [[7], 50, 7],
    [[7], 99, 7],
    [[10, 20], 25, 12.5],
    [[1, 2, 3, 4], 75, 3.25],
  ])('%j at p%d is %d', (values, p, expected) => {
    expect(percentile(values, p)).toBeCloseTo(expected, 10);
  });

  it('is NaN for no values', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('median and summarize', () => {
  it('sorts before taking ranks', () => {
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('summarises a known set', () => {
    expect(summarize([3, 1, 2, 4])).toEqual({ count: 4, min: 1, max: 4, mean: 2.5, p50: 2.5, p95: expect.closeTo(3.85, 10), p99: expect.closeTo(3.97, 10) });
  });

  it('marks an empty set as not measured', () => {
    const s = summarize([]);
    expect(s.count).toBe(0);
    expect(s.mean).toBeNaN();
    expect(s.p95).toBeNaN();
  });
});

describe('medianInterval (order statistics at n/2 ∓ 1.96·√n/2)', () => {
  const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  it.each([
    // n = 5: 2.5 ∓ 2.19 → ranks 1 and 5, min–max.
    [upTo(5), 1, 5],
    // n = 31: 15.5 ∓ 5.46 → ranks 10 and 21.
    [upTo(31), 10, 21],
    // n = 100: 50 ∓ 9.8 → ranks 40 and 60.
    [upTo(100), 40, 60],
    [[7], 7, 7],
  ])('%j → [%d, %d]', (sorted, low, high) => {
    expect(medianInterval(sorted)).toEqual({ low, high });
  });

  it('is NaN for no values', () => {
    expect(medianInterval([]).low).toBeNaN();
  });
});

describe('spreadOf (p50, p95, max of sorted values)', () => {
  it.each([
    { values: [], expected: { p50: Number.NaN, p95: Number.NaN, max: Number.NaN } },
    { values: [3], expected: { p50: 3, p95: 3, max: 3 } },
    { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], expected: { p50: 6, p95: 10.5, max: 11 } },
  ])('$values', ({ values, expected }) => {
    expect(spreadOf(values)).toEqual(expected);
  });
});
