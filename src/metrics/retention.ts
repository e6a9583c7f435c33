/**
 * How much history the metrics store keeps: caps by count and by age, and which records a rollover
 * deletes. The caps live here and nowhere else; the store (run-store.ts) only carries out the plan.
 */

export interface RetentionCaps {
  /** The newest this many runs are kept. */
  maxRuns: number;
  /** Runs older than this are deleted, however few there are. */
  maxAgeMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_RETENTION: RetentionCaps = { maxRuns: 5000, maxAgeMs: 90 * DAY_MS };

/**
 * The caps in effect for a page: the defaults, or a lower run cap from `?wf-max-runs=N` (a debug hook
 * so that a test can fill the store past its cap in seconds). It can only lower the cap, never raise it.
 */
export function retentionFromQuery(search: string, defaults: RetentionCaps = DEFAULT_RETENTION): RetentionCaps {
  const raw = new URLSearchParams(search).get('wf-max-runs');
  const value = raw === null || !/^\d+$/.test(raw) ? Number.NaN : Number(raw);
  return value >= 1 && value < defaults.maxRuns ? { ...defaults, maxRuns: value } : defaults;
}

export interface StoredKey {
  id: number;
  at: number;
}

/**
 * The ids to delete so that at most `maxRuns` remain and none is older than `maxAgeMs`: always the
 * oldest first (by `at`, then by id, so records written in the same millisecond roll over in the order
 * they were written). The newest record is never deleted for age alone: a clock set wrong must not
 * empty the history.
 */
export function planRollover(keys: readonly StoredKey[], caps: RetentionCaps, nowMs: number): number[] {
  const oldestFirst = [...keys].sort((a, b) => a.at - b.at || a.id - b.id);
  const excess = Math.max(0, oldestFirst.length - Math.max(1, caps.maxRuns));
  const cutoff = nowMs - caps.maxAgeMs;
  const doomed: number[] = [];
  oldestFirst.forEach((key, index) => {
    const isNewest = index === oldestFirst.length - 1;
    if (index < excess || (!isNewest && key.at < cutoff)) doomed.push(key.id);
  });
  return doomed;
}
