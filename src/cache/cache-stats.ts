/**
 * The cache's statistics per tier, as plain data. The memory tier is this page's own answers; the
 * shared tier is answers other tabs broadcast into this page's memory; the disk tier is the origin's
 * database. A lookup walks memory → shared → disk and is counted at every tier it reaches, so a
 * tier's hit rate is its hits over the lookups that reached it. Every tab applies every tab's lookup
 * outcomes (they travel on the channel), so all tabs show the same counts.
 */

export type CacheTier = 'memory' | 'shared' | 'disk';
export const CACHE_TIERS: readonly CacheTier[] = ['memory', 'shared', 'disk'];

/** Where a lookup was answered; `miss`: by none (it went to the engine). */
export type LookupOutcome = CacheTier | 'miss';

export interface TierCounts {
  lookups: number;
  hits: number;
  evictions: number;
}

export type CacheCounts = Record<CacheTier, TierCounts>;

export interface TierStats extends TierCounts {
  /** hits ÷ lookups; NaN before the first lookup (shown as a dash). */
  hitRate: number;
  bytes: number;
  entries: number;
}

/** A tier's figures without the derived hit rate: what a line of text or a result document starts from. */
export type TierFigures = Pick<TierStats, 'lookups' | 'hits' | 'evictions' | 'bytes' | 'entries'>;

export const ZERO_COUNTS: CacheCounts = Object.freeze({
  memory: Object.freeze({ lookups: 0, hits: 0, evictions: 0 }),
  shared: Object.freeze({ lookups: 0, hits: 0, evictions: 0 }),
  disk: Object.freeze({ lookups: 0, hits: 0, evictions: 0 }),
});

/** The tiers a lookup with this outcome reached, in order. */
export function tiersReached(outcome: LookupOutcome): CacheTier[] {
  const answeredAt = outcome === 'miss' ? CACHE_TIERS.length - 1 : CACHE_TIERS.indexOf(outcome);
  return CACHE_TIERS.slice(0, answeredAt + 1);
}

export function countLookup(counts: CacheCounts, outcome: LookupOutcome): CacheCounts {
  const next = { ...counts };
  for (const tier of tiersReached(outcome)) {
    const c = counts[tier];
    next[tier] = { ...c, lookups: c.lookups + 1, hits: c.hits + (tier === outcome ? 1 : 0) };
  }
  return next;
}

export function countEvictions(counts: CacheCounts, tier: CacheTier, evicted: number): CacheCounts {
  if (evicted <= 0) return counts;
  return { ...counts, [tier]: { ...counts[tier], evictions: counts[tier].evictions + evicted } };
}

/** After a Clear, the tier starts counting again. */
export function resetTier(counts: CacheCounts, tier: CacheTier): CacheCounts {
  return { ...counts, [tier]: ZERO_COUNTS[tier] };
}

export function hitRate(counts: TierCounts): number {
  return counts.lookups === 0 ? Number.NaN : counts.hits / counts.lookups;
}

export function tierStats(counts: TierCounts, size: { bytes: number; entries: number }): TierStats {
  return { ...counts, hitRate: hitRate(counts), bytes: size.bytes, entries: size.entries };
}
