import { describe, expect, it } from 'vitest';
import { cacheStatsLine, cacheTierText } from './cache-stats-line.ts';
import type { CacheTier, TierFigures } from '../../cache/cache-stats.ts';

const tier = (lookups: number, hits: number, entries: number, bytes: number, evictions: number): TierFigures => ({ lookups, hits, entries, bytes, evictions });

describe('cacheTierText', () => {
  it.each<[string, CacheTier, TierFigures, string]>([
    ['before any lookup', 'memory', tier(0, 0, 0, 0, 0), 'memory no lookups, 0 answers, 0 B, 0 evicted'],
    ['one hit of two', 'memory', tier(2, 1, 1, 1840, 0), 'memory 50 % hits (1 of 2), 1 answer, 1.8 kB, 0 evicted'],
    ['all misses', 'shared', tier(3, 0, 0, 0, 0), 'shared 0 % hits (0 of 3), 0 answers, 0 B, 0 evicted'],
    ['a third, rounded', 'disk', tier(3, 1, 12, 2_450_000, 4), 'disk 33 % hits (1 of 3), 12 answers, 2.5 MB, 4 evicted'],
    ['every lookup a hit', 'disk', tier(7, 7, 500, 8_000_000, 120), 'disk 100 % hits (7 of 7), 500 answers, 8.0 MB, 120 evicted'],
  ])('%s', (_, name, figures, text) => {
    expect(cacheTierText(name, figures)).toBe(text);
  });
});

describe('cacheStatsLine', () => {
  it.each<[string, Record<CacheTier, TierFigures> | null, string]>([
    ['nothing reported yet', null, 'no figures yet'],
    [
      'the tiers in lookup order, whatever the object’s order',
      { disk: tier(1, 0, 1, 900, 0), shared: tier(1, 0, 0, 0, 0), memory: tier(2, 1, 1, 900, 0) },
      'memory 50 % hits (1 of 2), 1 answer, 900 B, 0 evicted · shared 0 % hits (0 of 1), 0 answers, 0 B, 0 evicted · disk 0 % hits (0 of 1), 1 answer, 900 B, 0 evicted',
    ],
  ])('%s', (_, stats, line) => {
    expect(cacheStatsLine(stats)).toBe(line);
  });
});
