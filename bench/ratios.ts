import { median, percentile } from '../src/metrics/stats.ts';

/** Median with its spread, the form every benchmark figure is reported in. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function spread(values: readonly number[]): Spread {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  return {
    median: percentile(finite, 50),
    min: finite[0] ?? Number.NaN,
    max: finite.at(-1) ?? Number.NaN,
    n: finite.length,
  };
}

/**
 * A speed ratio of A over B from runs taken in alternation (A B A B …): each pair is compared on its
 * own, so a drift of the machine over the run (heat, another process) cancels within the pair.
 * Above 1 means A is faster. For throughputs the ratio is a/b; for latencies it is b/a.
 */
export function pairedSpeedRatio(a: readonly number[], b: readonly number[], kind: 'throughput' | 'latency'): Spread {
  const pairs = Math.min(a.length, b.length);
  const ratios: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const ai = a[i]!;
    const bi = b[i]!;
    ratios.push(kind === 'throughput' ? ai / bi : bi / ai);
  }
  return spread(ratios);
}

export { median };
