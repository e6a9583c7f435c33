import { describe, expect, it } from 'vitest';
import type { CacheTier, TierStats } from '../src/cache/cache-stats.ts';
import { mixedPrompts, mixHitRates, responseCachePlanFor, responseCacheVerdicts, summarizeHitVsMiss, type HitMissTimes } from './response-cache-figures.ts';

describe('responseCachePlanFor', () => {
  it.each([
    { mode: 'quick' as const, runs: undefined, expected: 3 },
    { mode: 'full' as const, runs: undefined, expected: 7 },
    { mode: 'quick' as const, runs: 5, expected: 5 },
    { mode: 'full' as const, runs: 2, expected: 2 },
  ])('$mode with --runs $runs: $expected hit-vs-miss runs, the same mix', ({ mode, runs, expected }) => {
    const plan = responseCachePlanFor(mode, runs);
    expect(plan.runs).toBe(expected);
    expect({ requests: plan.mixRequests, repeats: plan.mixRepeats }).toEqual({ requests: 50, repeats: 15 });
  });
});

describe('summarizeHitVsMiss', () => {
  it.each<{ name: string; times: HitMissTimes[]; memory: { median: number; min: number; max: number }; disk: { median: number; min: number; max: number } }>([
    { name: 'one run', times: [{ missMs: 400, memoryMs: 4, diskMs: 20 }], memory: { median: 100, min: 100, max: 100 }, disk: { median: 20, min: 20, max: 20 } },
    {
      name: 'the median of per-run ratios, not the ratio of medians',
      times: [
        { missMs: 1000, memoryMs: 10, diskMs: 100 },
        { missMs: 200, memoryMs: 1, diskMs: 40 },
        { missMs: 300, memoryMs: 20, diskMs: 10 },
      ],
      memory: { median: 100, min: 15, max: 200 },
      disk: { median: 10, min: 5, max: 30 },
    },
    {
      name: 'an even count takes the middle two',
      times: [
        { missMs: 100, memoryMs: 1, diskMs: 10 },
        { missMs: 100, memoryMs: 2, diskMs: 20 },
      ],
      memory: { median: 75, min: 50, max: 100 },
      disk: { median: 7.5, min: 5, max: 10 },
    },
  ])('$name', ({ times, memory, disk }) => {
    const summary = summarizeHitVsMiss(times);
    expect(summary.speedup.memory).toEqual({ ...memory, n: times.length });
    expect(summary.speedup.disk).toEqual({ ...disk, n: times.length });
    expect(summary.runs.map((r) => r.memorySpeedup)).toEqual(times.map((t) => t.missMs / t.memoryMs));
    expect(summary.timesMs.miss.n).toBe(times.length);
  });
});

describe('mixedPrompts', () => {
  it.each([
    { count: 50, repeats: 15 },
    { count: 20, repeats: 5 },
    { count: 10, repeats: 0 },
  ])('$count prompts with $repeats repeats of earlier ones, none in the first five', ({ count, repeats }) => {
    const prompts = mixedPrompts(count, repeats);
    expect(prompts).toHaveLength(count);
    const repeatedAt = prompts.flatMap((p, i) => (prompts.indexOf(p) < i ? [i] : []));
    expect(repeatedAt).toHaveLength(repeats);
    expect(repeatedAt.every((i) => i >= 5)).toBe(true);
    expect(mixedPrompts(count, repeats)).toEqual(prompts);
  });

  it('refuses more repeats than there is room for', () => {
    expect(() => mixedPrompts(10, 6)).toThrow('at most 5 repeats');
  });
});

const tier = (lookups: number, hits: number): TierStats => ({ lookups, hits, evictions: 0, hitRate: lookups === 0 ? Number.NaN : hits / lookups, bytes: 0, entries: 0 });

describe('mixHitRates', () => {
  it.each<{ name: string; stats: Record<CacheTier, TierStats>; requests: number; hitRate: number }>([
    { name: 'hits at every tier add up over the requests', stats: { memory: tier(50, 5), shared: tier(45, 9), disk: tier(36, 1) }, requests: 50, hitRate: 0.3 },
    { name: 'all misses', stats: { memory: tier(10, 0), shared: tier(10, 0), disk: tier(10, 0) }, requests: 10, hitRate: 0 },
    { name: 'all from memory', stats: { memory: tier(4, 4), shared: tier(0, 0), disk: tier(0, 0) }, requests: 4, hitRate: 1 },
    { name: 'no requests', stats: { memory: tier(0, 0), shared: tier(0, 0), disk: tier(0, 0) }, requests: 0, hitRate: Number.NaN },
  ])('$name', ({ stats, requests, hitRate }) => {
    const rates = mixHitRates(stats);
    expect(rates.requests).toBe(requests);
    expect(rates.hitRate).toBe(hitRate);
    expect(rates.tiers).toBe(stats);
  });
});

describe('responseCacheVerdicts', () => {
  it.each([
    { name: 'all met', measured: { memorySpeedup: 54, diskSpeedup: 10, hitRate: 0.3 }, met: [true, true, true] },
    { name: 'exactly at the targets is met', measured: { memorySpeedup: 40, diskSpeedup: 10, hitRate: 15 / 50 }, met: [true, true, true] },
    { name: 'disk just under', measured: { memorySpeedup: 56, diskSpeedup: 9.9, hitRate: 0.3 }, met: [true, false, true] },
    { name: 'memory under, hit rate under', measured: { memorySpeedup: 39, diskSpeedup: 12, hitRate: 0.28 }, met: [false, true, false] },
    { name: 'unmeasured figures have not met', measured: { memorySpeedup: Number.NaN, diskSpeedup: Number.NaN, hitRate: Number.NaN }, met: [false, false, false] },
  ])('$name', ({ measured, met }) => {
    const v = responseCacheVerdicts(measured);
    expect([v.memorySpeedup.met, v.diskSpeedup.met, v.hitRate.met]).toEqual(met);
    expect([v.memorySpeedup.target, v.diskSpeedup.target, v.hitRate.target]).toEqual([40, 10, 0.3]);
    expect(v.diskSpeedup.measured).toBe(measured.diskSpeedup);
  });

  it.each([
    { targets: { memorySpeedup: 100, diskSpeedup: 20, hitRate: 0.5 }, met: [false, false, false] },
    { targets: { memorySpeedup: 1, diskSpeedup: 1, hitRate: 0 }, met: [true, true, true] },
  ])('judges against given targets $targets', ({ targets, met }) => {
    const v = responseCacheVerdicts({ memorySpeedup: 54, diskSpeedup: 10, hitRate: 0.3 }, targets);
    expect([v.memorySpeedup.met, v.diskSpeedup.met, v.hitRate.met]).toEqual(met);
  });
});
