/**
 * The response cache's figures in one short line, for places with room for a line and not for the
 * panel's table: the stats overlay, the history, a shared result. One wording everywhere, so a figure
 * reads the same in each.
 */
import type { ReadonlySignal } from '@preact/signals';
import { CACHE_TIERS, hitRate, type CacheTier, type TierFigures } from '../../cache/cache-stats.ts';
import { formatBytes, formatPercent } from '../../lib/format.ts';

/** The live figures as a view reads them (the store's `stats`), without the rest of the store. */
export type CacheStatsSignal = ReadonlySignal<Readonly<Record<CacheTier, TierFigures>> | null>;

export function cacheTierText(tier: CacheTier, figures: TierFigures): string {
  const { lookups, hits, entries, bytes, evictions } = figures;
  const rate = lookups === 0 ? 'no lookups' : `${formatPercent(hitRate(figures))} hits (${hits} of ${lookups})`;
  return `${tier} ${rate}, ${entries} ${entries === 1 ? 'answer' : 'answers'}, ${formatBytes(bytes)}, ${evictions} evicted`;
}

/** Every tier in lookup order (memory, shared, disk); null: the cache has reported nothing yet. */
export function cacheStatsLine(stats: Readonly<Record<CacheTier, TierFigures>> | null): string {
  if (!stats) return 'no figures yet';
  return CACHE_TIERS.map((tier) => cacheTierText(tier, stats[tier])).join(' · ');
}
