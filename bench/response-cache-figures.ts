/**
 * The response-cache part's figures from its raw measurements: per-run speed-ups of a hit over a miss,
 * their spreads, the mix's hit rates, and whether the targets were met. Pure, so the
 * arithmetic is tested apart from the browser that measures.
 */
import { CACHE_TIERS, type CacheTier, type TierStats } from '../src/cache/cache-stats.ts';
import { spread, type Spread } from './ratios.ts';

export interface ResponseCachePlan {
  model: string;
  /** Hit-vs-miss runs: each is one miss, one memory hit and one disk hit of a new prompt. */
  runs: number;
  /** New tokens of each hit-vs-miss answer. */
  tokens: number;
  /** The mix: this many requests of `mixTokens` tokens, `mixRepeats` of them repeats of an earlier one. */
  mixRequests: number;
  mixRepeats: number;
  mixTokens: number;
}

export function responseCachePlanFor(mode: 'quick' | 'full', runs?: number): ResponseCachePlan {
  // wf-tiny: a hit costs the same whatever the model, so the fastest miss gives the hardest ratio.
  // The mix is the definition (50 requests, 30 % repeats) in both modes; only the
  // hit-vs-miss runs grow, since their spread under load is what more runs narrow.
  return { model: 'wf-tiny', runs: runs ?? (mode === 'full' ? 7 : 3), tokens: 64, mixRequests: 50, mixRepeats: 15, mixTokens: 8 };
}

/** The three figures the issue sets targets for. */
export interface CacheTargetFigures {
  memorySpeedup: number;
  diskSpeedup: number;
  hitRate: number;
}

/** The targets: miss ÷ hit time to the last token, and the share of the mix the cache answers. */
export const RESPONSE_CACHE_TARGETS: Readonly<CacheTargetFigures> = Object.freeze({ memorySpeedup: 40, diskSpeedup: 10, hitRate: 0.3 });

/** One hit-vs-miss run: time to the last token, lookup included, in ms. */
export interface HitMissTimes {
  missMs: number;
  memoryMs: number;
  diskMs: number;
}

export interface HitMissRun extends HitMissTimes {
  /** miss ÷ memory hit and miss ÷ disk hit of this run. */
  memorySpeedup: number;
  diskSpeedup: number;
}

export interface HitMissSummary {
  runs: HitMissRun[];
  timesMs: { miss: Spread; memory: Spread; disk: Spread };
  /** The median of per-run ratios, as in the main benchmark: a drift of the machine cancels inside each run. */
  speedup: { memory: Spread; disk: Spread };
}

export function summarizeHitVsMiss(times: readonly HitMissTimes[]): HitMissSummary {
  const runs = times.map((t) => ({ ...t, memorySpeedup: t.missMs / t.memoryMs, diskSpeedup: t.missMs / t.diskMs }));
  return {
    runs,
    timesMs: { miss: spread(times.map((t) => t.missMs)), memory: spread(times.map((t) => t.memoryMs)), disk: spread(times.map((t) => t.diskMs)) },
    speedup: { memory: spread(runs.map((r) => r.memorySpeedup)), disk: spread(runs.map((r) => r.diskSpeedup)) },
  };
}

/**
 * `count` prompts of which `repeats` repeat an earlier one, at seeded places after the first five,
 * so every run of the bench sends the same sequence.
 */
export function mixedPrompts(count: number, repeats: number): string[] {
  if (repeats > count - 5) throw new Error(`a mix of ${count} requests has room for at most ${Math.max(0, count - 5)} repeats, not ${repeats}`);
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const repeatAt = new Set<number>();
  while (repeatAt.size < repeats) repeatAt.add(5 + Math.floor(random() * (count - 5)));
  const prompts: string[] = [];
  let unique = 0;
  for (let i = 0; i < count; i++) prompts.push(repeatAt.has(i) ? prompts[Math.floor(random() * prompts.length)]! : `Mixed request ${unique++}: a`);
  return prompts;
}

export interface MixHitRates {
  requests: number;
  /** Requests answered by any tier ÷ requests (every request looks up the memory tier first). */
  hitRate: number;
  tiers: Record<CacheTier, TierStats>;
}

export function mixHitRates(stats: Record<CacheTier, TierStats>): MixHitRates {
  const requests = stats.memory.lookups;
  const hits = CACHE_TIERS.reduce((sum, tier) => sum + stats[tier].hits, 0);
  return { requests, hitRate: requests === 0 ? Number.NaN : hits / requests, tiers: stats };
}

export interface TargetVerdict {
  target: number;
  measured: number;
  /** measured ≥ target; an unmeasured (NaN) figure has not met it. */
  met: boolean;
}

export interface ResponseCacheVerdicts {
  memorySpeedup: TargetVerdict;
  diskSpeedup: TargetVerdict;
  hitRate: TargetVerdict;
}

export function responseCacheVerdicts(
  measured: CacheTargetFigures,
  targets: Readonly<CacheTargetFigures> = RESPONSE_CACHE_TARGETS,
): ResponseCacheVerdicts {
  const verdict = (value: number, target: number): TargetVerdict => ({ target, measured: value, met: value >= target });
  return {
    memorySpeedup: verdict(measured.memorySpeedup, targets.memorySpeedup),
    diskSpeedup: verdict(measured.diskSpeedup, targets.diskSpeedup),
    hitRate: verdict(measured.hitRate, targets.hitRate),
  };
}
