/** Summary statistics used for every latency figure the app shows or stores. */

export interface Summary {
  count: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
}

/**
 * Percentile by linear interpolation between closest ranks (the "R-7" definition that numpy and
 * spreadsheets use), so our figures match what a user recomputes from an export.
 */
export function percentile(sortedAscending: readonly number[], p: number): number {
  const n = sortedAscending.length;
  if (n === 0) return Number.NaN;
  if (p <= 0) return sortedAscending[0]!;
  if (p >= 100) return sortedAscending[n - 1]!;
  const rank = (p / 100) * (n - 1);
  const lower = Math.floor(rank);
  const fraction = rank - lower;
  const low = sortedAscending[lower]!;
  const high = sortedAscending[Math.min(lower + 1, n - 1)]!;
  return low + (high - low) * fraction;
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const count = sorted.length;
  const mean = count === 0 ? Number.NaN : sorted.reduce((sum, v) => sum + v, 0) / count;
  return {
    count,
    min: count === 0 ? Number.NaN : sorted[0]!,
    max: count === 0 ? Number.NaN : sorted[count - 1]!,
    mean,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}
