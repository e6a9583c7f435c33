/**
 * Honest figures from repeated runs: warm-up runs dropped, at least a minimum of counted runs, the
 * median with its spread, and a flag when the spread is too wide to trust the median alone.
 */
import { percentile } from '../metrics/stats.ts';
import type { Metric } from './types.ts';

/** Every figure a scenario reports rests on at least this many counted runs. */
export const MIN_COUNTED_RUNS = 5;

/**
 * A metric is noisy when its spread exceeds this share of its median: p5–p95 where there are 20 runs
 * or more (a lone outlier does not decide), min–max below that.
 */
export const NOISY_RELATIVE_SPREAD = 0.3;

/** The runs that count: the first `warmup` are dropped (JIT, caches, first allocations). */
export function countedRuns<T>(runs: readonly T[], warmup: number): T[] {
  return runs.slice(Math.max(0, warmup));
}

export function relativeSpread(metric: Pick<Metric, 'median' | 'min' | 'max' | 'p5' | 'p95' | 'n'>): number {
  const useInner = metric.n >= 20 && metric.p5 !== undefined && metric.p95 !== undefined;
  const width = useInner ? metric.p95! - metric.p5! : metric.max - metric.min;
  const scale = Math.abs(metric.median);
  if (scale === 0) return width === 0 ? 0 : Number.POSITIVE_INFINITY;
  return width / scale;
}

/**
 * The summary of one measured quantity. Non-finite values are dropped (a run that produced no figure
 * is not a zero). With fewer than MIN_COUNTED_RUNS values the metric is marked noisy: too few to judge.
 */
export function metricOf(values: readonly number[], unit: string, options: { ceilingTps?: number | null } = {}): Metric {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const n = sorted.length;
  const metric: Metric = {
    median: percentile(sorted, 50),
    min: sorted[0] ?? Number.NaN,
    max: sorted[n - 1] ?? Number.NaN,
    p5: percentile(sorted, 5),
    p95: percentile(sorted, 95),
    n,
    unit,
    noisy: false,
  };
  metric.noisy = n < MIN_COUNTED_RUNS || !(relativeSpread(metric) <= NOISY_RELATIVE_SPREAD);
  const ceiling = options.ceilingTps;
  if (ceiling !== undefined && ceiling !== null && ceiling > 0 && n > 0) metric.ceilingPercent = (100 * metric.median) / ceiling;
  return metric;
}

/** "84.3 tok/s (73.7–92.4, n=5)", the way every figure is written in criteria and tables. */
export function formatMetric(metric: Metric, digits = 1): string {
  if (metric.n === 0) return 'no data';
  const f = (x: number) => x.toFixed(digits);
  return `${f(metric.median)} ${metric.unit} (${f(metric.min)}–${f(metric.max)}, n=${metric.n})${metric.noisy ? ' noisy' : ''}`;
}

export interface MemorySample {
  atMs: number;
  bytes: number;
}

export interface PlateauVerdict {
  /** Whether there were enough samples to judge (at least six). */
  judged: boolean;
  plateau: boolean;
  /** Median of the last third minus median of the middle third. */
  growthBytes: number;
  earlierBytes: number;
  laterBytes: number;
}

/**
 * Memory plateaus when the last third of the samples sits no higher than the middle third by more than
 * `allowedFraction` of it or `allowedBytes`, whichever is larger. The first third is start-up (loads,
 * first allocations) and is not compared; medians ignore a single sample taken before a collection.
 */
export function memoryPlateau(samples: readonly MemorySample[], allowedFraction = 0.1, allowedBytes = 4 * 1024 * 1024): PlateauVerdict {
  const bytes = samples.map((s) => s.bytes).filter(Number.isFinite);
  if (bytes.length < 6) return { judged: false, plateau: false, growthBytes: Number.NaN, earlierBytes: Number.NaN, laterBytes: Number.NaN };
  const third = Math.floor(bytes.length / 3);
  const middle = bytes.slice(third, 2 * third);
  const last = bytes.slice(2 * third);
  const med = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
  const earlierBytes = med(middle);
  const laterBytes = med(last);
  const growthBytes = laterBytes - earlierBytes;
  return { judged: true, plateau: growthBytes <= Math.max(allowedBytes, allowedFraction * earlierBytes), growthBytes, earlierBytes, laterBytes };
}

/** Least-squares slope of y over x (e.g. ms of TTFT per prompt token); NaN with fewer than two distinct x. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den > 0 ? num / den : Number.NaN;
}
