import { describe, expect, it } from 'vitest';
import { buildResultDocument, resultCacheOf, type ResultCacheTier } from './result-document.ts';
import { sampleCache, sampleRun } from './fixtures.ts';
import type { TierStats } from '../cache/cache-stats.ts';

const live = (lookups: number, hits: number, entries: number, bytes: number, evictions: number): TierStats => ({
  lookups,
  hits,
  evictions,
  entries,
  bytes,
  hitRate: lookups === 0 ? Number.NaN : hits / lookups,
});

describe('resultCacheOf', () => {
  it.each<[string, TierStats, ResultCacheTier]>([
    ['no lookups yet: no hit rate (null, as JSON has no NaN)', live(0, 0, 0, 0, 0), { lookups: 0, hits: 0, hitRate: null, entries: 0, bytes: 0, evictions: 0 }],
    ['a hit of two', live(2, 1, 1, 1840, 0), { lookups: 2, hits: 1, hitRate: 0.5, entries: 1, bytes: 1840, evictions: 0 }],
    ['evictions kept', live(5, 0, 500, 8_000_000, 37), { lookups: 5, hits: 0, hitRate: 0, entries: 500, bytes: 8_000_000, evictions: 37 }],
  ])('%s', (_, stats, tier) => {
    const section = resultCacheOf(true, { memory: stats, shared: stats, disk: stats });
    expect(section).toEqual({ measurement: false, enabled: true, tiers: { memory: tier, shared: tier, disk: tier } });
  });

  it('keeps each tier’s own figures and the switch', () => {
    const section = resultCacheOf(false, { memory: live(3, 2, 1, 900, 0), shared: live(1, 0, 0, 0, 0), disk: live(1, 1, 4, 3600, 2) });
    expect(section.enabled).toBe(false);
    expect([section.tiers.memory.hits, section.tiers.shared.hits, section.tiers.disk.evictions]).toEqual([2, 0, 2]);
  });
});

describe('buildResultDocument', () => {
  it.each([
    ['without a cache section when none is given', undefined],
    ['with the section as given', sampleCache],
  ])('%s', (_, responseCache) => {
    const device = { tier: null, tierReasons: [], adapter: null, browser: null, cores: null, deviceMemoryGB: null };
    const doc = buildResultDocument({ appVersion: '0.1.0', now: 1, device, runs: [sampleRun], responseCache });
    expect(doc.responseCache).toEqual(responseCache);
    expect('responseCache' in doc).toBe(responseCache !== undefined);
  });
});
