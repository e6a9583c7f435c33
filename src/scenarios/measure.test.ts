import { describe, expect, it } from 'vitest';
import { countedRuns, formatMetric, memoryPlateau, metricOf, relativeSpread, slope } from './measure.ts';

describe('metricOf', () => {
  it.each([
    { values: [10, 10, 10, 10, 10], noisy: false, why: 'no spread' },
    { values: [90, 95, 100, 105, 110], noisy: false, why: '20 % spread (min–max) under 30 %' },
    { values: [50, 95, 100, 105, 110], noisy: true, why: '60 % min–max spread' },
    { values: [100, 100, 100, 100], noisy: true, why: 'fewer than 5 counted runs' },
    { values: [], noisy: true, why: 'no runs at all' },
  ])('flags noisy: $why', ({ values, noisy }) => {
    expect(metricOf(values, 'ms').noisy).toBe(noisy);
  });

  it('judges 20 runs or more on p5–p95, so one outlier does not make a figure noisy', () => {
    const values = [...Array.from({ length: 24 }, () => 100), 300];
    const metric = metricOf(values, 'ms');
    expect(metric.max).toBe(300);
    expect(metric.noisy).toBe(false);
    expect(relativeSpread(metric)).toBeLessThan(0.3);
  });

  it('drops non-finite values instead of counting them as zero, and reports median, min, max, n', () => {
    expect(metricOf([3, Number.NaN, 1, 2, Number.POSITIVE_INFINITY], 'tok/s')).toMatchObject({ median: 2, min: 1, max: 3, n: 3, unit: 'tok/s' });
  });

  it('gives the median as a percentage of a decode ceiling when there is one', () => {
    expect(metricOf([40, 50, 60, 50, 50], 'tok/s', { ceilingTps: 200 }).ceilingPercent).toBe(25);
    expect(metricOf([40, 50, 60, 50, 50], 'tok/s', { ceilingTps: null }).ceilingPercent).toBeUndefined();
  });

  it('is written as median (min–max, n)', () => {
    expect(formatMetric(metricOf([1, 2, 3, 4, 5], 'ms'))).toBe('3.0 ms (1.0–5.0, n=5) noisy');
  });
});

describe('countedRuns', () => {
  it('drops the warm-up runs', () => {
    expect(countedRuns([1, 2, 3, 4], 1)).toEqual([2, 3, 4]);
    expect(countedRuns([1, 2], 0)).toEqual([1, 2]);
  });
});

describe('memoryPlateau', () => {
  const MiB = 1024 * 1024;
  const samples = (mib: number[]) => mib.map((m, i) => ({ atMs: i * 1000, bytes: m * MiB }));
  it.each([
    { mib: [10, 30, 40, 40, 41, 40, 41, 40, 41], plateau: true, why: 'start-up growth, then flat' },
    { mib: [40, 40, 40, 40, 80, 80, 80, 80, 80], plateau: true, why: 'a late collection does not lower the verdict' },
    { mib: [10, 20, 30, 40, 50, 60, 70, 80, 90], plateau: false, why: 'steady growth: a leak' },
    { mib: [100, 100, 100, 103, 103, 103, 106, 106, 106], plateau: true, why: 'growth within 4 MiB' },
  ])('$why', ({ mib, plateau }) => {
    const v = memoryPlateau(samples(mib));
    expect(v.judged).toBe(true);
    expect(v.plateau).toBe(plateau);
  });

  it('does not judge fewer than six samples', () => {
    expect(memoryPlateau(samples([1, 2, 3, 4, 5]))).toMatchObject({ judged: false, plateau: false });
  });
});

describe('slope', () => {
  it('is the least-squares ms per unit', () => {
    expect(slope([{ x: 0, y: 10 }, { x: 10, y: 30 }, { x: 20, y: 50 }])).toBeCloseTo(2);
    expect(slope([{ x: 5, y: 1 }])).toBeNaN();
  });
});
