/**
 * Regression decisions: one metric of a run against the same metric of a baseline. Pure functions
 * over plain figures, shared by the app's baseline panel and `npm run bench -- --compare FILE`.
 *
 * The rule (docs/benchmarks.md, "Baselines and regressions"): a metric regressed when its median moved
 * the wrong way by more than the tolerance AND the move lies beyond the measured noise, i.e. each
 * median lies outside the other's noise band (the median's confidence interval where the samples give
 * one, else min–max). A move past the tolerance whose bands cover each other's medians is "within
 * noise": the measurement cannot tell it from jitter.
 */

/** A measured figure with its spread: the median and the band the repeated samples fell in. */
export interface MetricSpread {
  median: number;
  /** Lower edge of the spread (p5 or min); equal to the median for a single measurement. */
  low: number;
  high: number;
  /** How many samples the figure summarises; 1 means no noise was measured. */
  n: number;
  /**
   * Where the median itself is uncertain (stats.ts medianInterval); the noise band of the decision.
   * Absent for a handful of repeated runs, whose min–max is that interval (n ≤ 5).
   */
  medianLow?: number;
  medianHigh?: number;
}

export type Direction = 'higher-is-better' | 'lower-is-better';

export type Verdict = 'regression' | 'within-noise' | 'unchanged' | 'improvement' | 'missing';

export interface RegressionPolicy {
  /** Relative change of the median that counts, e.g. 0.1 for 10 %. */
  tolerance: number;
  /** Band width over median above which a figure is flagged as noisy, e.g. 0.25. */
  noisyWidth: number;
}

export const DEFAULT_POLICY: RegressionPolicy = { tolerance: 0.1, noisyWidth: 0.25 };

export interface MetricComparison {
  verdict: Verdict;
  /** Signed relative change of the median, current over baseline minus one; NaN when missing. */
  change: number;
  /** The change in the bad direction (positive = worse), so one threshold serves both directions. */
  worsening: number;
  /** Each median lies outside the other's band. */
  beyondNoise: boolean;
  /** Neither side has more than one sample: the decision rests on the tolerance alone. */
  noiseUnmeasured: boolean;
  baselineNoisy: boolean;
  currentNoisy: boolean;
}

export function isMeasured(spread: MetricSpread | null | undefined): spread is MetricSpread {
  return (
    !!spread &&
    spread.n > 0 &&
    [spread.median, spread.low, spread.high].every((v) => typeof v === 'number' && Number.isFinite(v)) &&
    spread.median > 0
  );
}

/** Band width relative to the median; a single sample has none. */
export function relativeWidth(spread: MetricSpread): number {
  return (spread.high - spread.low) / Math.abs(spread.median);
}

export function isNoisy(spread: MetricSpread, policy: Pick<RegressionPolicy, 'noisyWidth'> = DEFAULT_POLICY): boolean {
  return isMeasured(spread) && relativeWidth(spread) > policy.noisyWidth;
}

function outsideNoise(value: number, band: MetricSpread): boolean {
  return value < (band.medianLow ?? band.low) || value > (band.medianHigh ?? band.high);
}

export function compareMetric(
  direction: Direction,
  baseline: MetricSpread | null | undefined,
  current: MetricSpread | null | undefined,
  policy: RegressionPolicy = DEFAULT_POLICY,
): MetricComparison {
  if (!isMeasured(baseline) || !isMeasured(current)) {
    return {
      verdict: 'missing',
      change: Number.NaN,
      worsening: Number.NaN,
      beyondNoise: false,
      noiseUnmeasured: true,
      baselineNoisy: isMeasured(baseline) && isNoisy(baseline, policy),
      currentNoisy: isMeasured(current) && isNoisy(current, policy),
    };
  }
  const change = current.median / baseline.median - 1;
  const worsening = direction === 'higher-is-better' ? -change : change;
  const beyondNoise = outsideNoise(current.median, baseline) && outsideNoise(baseline.median, current);
  const past = Math.abs(worsening) > policy.tolerance;
  let verdict: Verdict = 'unchanged';
  if (past && !beyondNoise) verdict = 'within-noise';
  else if (past && worsening > 0) verdict = 'regression';
  else if (past) verdict = 'improvement';
  return {
    verdict,
    change,
    worsening,
    beyondNoise,
    noiseUnmeasured: baseline.n <= 1 && current.n <= 1,
    baselineNoisy: isNoisy(baseline, policy),
    currentNoisy: isNoisy(current, policy),
  };
}

/** A tolerance as written on a command line or typed in a field: "35%" or the fraction "0.35". */
export function parseTolerance(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(text);
  if (!match) return null;
  const value = Number(match[1]);
  const fraction = match[2] === '%' ? value / 100 : value;
  return fraction > 0 && fraction <= 5 ? fraction : null;
}
