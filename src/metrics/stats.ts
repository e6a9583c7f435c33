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

/** Median, 95th percentile and maximum: the spread the frame figures report. */
export function spreadOf(sortedAscending: readonly number[]): { p50: number; p95: number; max: number } {
  const n = sortedAscending.length;
  return { p50: percentile(sortedAscending, 50), p95: percentile(sortedAscending, 95), max: n === 0 ? Number.NaN : sortedAscending[n - 1]! };
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

/**
 * A distribution-free ~95 % confidence interval of the median: the order statistics at ranks
 * n/2 ∓ 1.96·√n/2 (1-based, rounded outwards, clamped to the data). It answers "where would the median
 * of another run like this one fall", which is what a regression decision needs; the p5–p95 spread of
 * single samples is far wider. For n ≤ 5 it is min–max.
 */
export function medianInterval(sortedAscending: readonly number[]): { low: number; high: number } {
  const n = sortedAscending.length;
  if (n === 0) return { low: Number.NaN, high: Number.NaN };
  const half = (1.96 * Math.sqrt(n)) / 2;
  const lowRank = Math.max(1, Math.floor(n / 2 - half));
  const highRank = Math.min(n, Math.ceil(n / 2 + half));
  return { low: sortedAscending[lowRank - 1]!, high: sortedAscending[highRank - 1]! };
}
