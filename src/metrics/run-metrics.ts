/**
 * The figures a run is compared on, each as a median with its spread, and the per-metric comparison
 * of a run with a baseline. Pure: the run record and its samples in, plain figures out.
 */
import { medianInterval, percentile } from './stats.ts';
import { compareMetric, DEFAULT_POLICY, type Direction, type MetricComparison, type MetricSpread, type RegressionPolicy } from './regression.ts';
import type { RunRecord } from './run-record.ts';
import type { RunSamples } from './run-samples.ts';

export type MetricKey = 'decodeTps' | 'ttftMs' | 'gapP95Ms';

export interface MetricInfo {
  key: MetricKey;
  label: string;
  unit: 'tok/s' | 'ms';
  direction: Direction;
}

export const RUN_METRICS: readonly MetricInfo[] = [
  { key: 'decodeTps', label: 'Decode (median per token)', unit: 'tok/s', direction: 'higher-is-better' },
  { key: 'ttftMs', label: 'Time to first token', unit: 'ms', direction: 'lower-is-better' },
  { key: 'gapP95Ms', label: 'Token gap p95', unit: 'ms', direction: 'lower-is-better' },
];

export type RunMetrics = Record<MetricKey, MetricSpread | null>;

/** Below this many samples p5 and p95 are just the extremes, so the band is min–max. */
export const MIN_SAMPLES_FOR_PERCENTILE_BAND = 20;

/**
 * Median with p5–p95 (min–max for fewer than 20 samples) and the median's own ~95 % interval;
 * null when nothing finite was measured.
 */
export function spreadOf(values: readonly number[]): MetricSpread | null {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const wide = sorted.length >= MIN_SAMPLES_FOR_PERCENTILE_BAND;
  const interval = medianInterval(sorted);
  return {
    median: percentile(sorted, 50),
    low: wide ? percentile(sorted, 5) : sorted[0]!,
    high: wide ? percentile(sorted, 95) : sorted.at(-1)!,
    n: sorted.length,
    medianLow: interval.low,
    medianHigh: interval.high,
  };
}

export function singleSpread(value: number): MetricSpread | null {
  return Number.isFinite(value) ? { median: value, low: value, high: value, n: 1 } : null;
}

/**
 * Decode speed from the engine-clock gaps: the per-token rate 1000/gap, median with its spread and
 * the median's interval, which is the noise the stream itself showed. TTFT and the gap p95 are one figure per run (n = 1). A run
 * kept from schema v1 has no samples: its stored decode rate stands alone.
 */
export function runMetrics(record: RunRecord, samples: Pick<RunSamples, 'engineGapsMs'> | null): RunMetrics {
  const gaps = samples?.engineGapsMs.filter((gap) => gap > 0) ?? [];
  return {
    decodeTps: gaps.length > 0 ? spreadOf(gaps.map((gap) => 1000 / gap)) : singleSpread(record.decodeTps),
    ttftMs: singleSpread(record.ttftMs),
    gapP95Ms: singleSpread(record.gapP95Ms),
  };
}

export interface MetricRow {
  metric: MetricInfo;
  baseline: MetricSpread | null;
  current: MetricSpread | null;
  comparison: MetricComparison;
}

export function compareRunMetrics(baseline: RunMetrics, current: RunMetrics, policy: RegressionPolicy = DEFAULT_POLICY): MetricRow[] {
  return RUN_METRICS.map((metric) => ({
    metric,
    baseline: baseline[metric.key],
    current: current[metric.key],
    comparison: compareMetric(metric.direction, baseline[metric.key], current[metric.key], policy),
  }));
}
