import { describe, expect, it } from 'vitest';
import { countEvictions, countLookup, hitRate, resetTier, tiersReached, tierStats, ZERO_COUNTS, type CacheCounts, type LookupOutcome } from './cache-stats.ts';

describe('countLookup', () => {
  it.each<[LookupOutcome[], [number, number][]]>([
    [[], [[0, 0], [0, 0], [0, 0]]],
    [['memory'], [[1, 1], [0, 0], [0, 0]]],
    [['shared'], [[1, 0], [1, 1], [0, 0]]],
    [['disk'], [[1, 0], [1, 0], [1, 1]]],
    [['miss'], [[1, 0], [1, 0], [1, 0]]],
    [['miss', 'memory', 'memory', 'disk'], [[4, 2], [2, 0], [2, 1]]],
  ])('%j → [lookups, hits] per tier %j', (outcomes, expected) => {
    const counts = outcomes.reduce<CacheCounts>(countLookup, ZERO_COUNTS);
    expect([counts.memory, counts.shared, counts.disk].map((c) => [c.lookups, c.hits])).toEqual(expected);
  });

  it.each<[LookupOutcome, string[]]>([
    ['memory', ['memory']],
    ['shared', ['memory', 'shared']],
    ['disk', ['memory', 'shared', 'disk']],
    ['miss', ['memory', 'shared', 'disk']],
  ])('%s reaches %j', (outcome, tiers) => {
    expect(tiersReached(outcome)).toEqual(tiers);
  });
});

describe('hitRate and tierStats', () => {
  it.each([
    [{ lookups: 0, hits: 0, evictions: 0 }, Number.NaN],
    [{ lookups: 4, hits: 1, evictions: 0 }, 0.25],
    [{ lookups: 3, hits: 3, evictions: 2 }, 1],
  ])('%j → %d', (counts, rate) => {
    expect(hitRate(counts)).toBe(rate);
    expect(tierStats(counts, { bytes: 10, entries: 2 })).toEqual({ ...counts, hitRate: rate, bytes: 10, entries: 2 });
  });

  it('counts evictions per tier and resets one tier only', () => {
    let counts = countEvictions(ZERO_COUNTS, 'disk', 3);
    counts = countEvictions(counts, 'memory', 1);
    counts = countEvictions(counts, 'memory', 0);
    counts = countLookup(counts, 'memory');
    expect([counts.memory.evictions, counts.shared.evictions, counts.disk.evictions]).toEqual([1, 0, 3]);
    const reset = resetTier(counts, 'memory');
    expect(reset.memory).toEqual({ lookups: 0, hits: 0, evictions: 0 });
    expect(reset.disk.evictions).toBe(3);
  });
});
