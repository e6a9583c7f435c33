/**
 * `npm run bench -- --compare FILE`: a fresh bench result against a baseline result of the same shape
 * (bench/baselines/<machine-type>.json), metric by metric, with the app's regression rule
 * (src/metrics/regression.ts). Pure: reports in, rows and words out; bench/run.ts does the I/O.
 */
import { compareMetric, DEFAULT_POLICY, type Direction, type MetricComparison, type MetricSpread, type RegressionPolicy } from '../src/metrics/regression.ts';
import type { Spread } from './ratios.ts';
import { sameCpu, type CpuDescription } from './cpu.ts';

export const BENCH_SCHEMA = 'wirthforge-bench/1';

/** JSON turns NaN into null, so a figure read back may be null anywhere. */
type Stored<T> = { [K in keyof T]: T[K] | null };
type StoredSpread = Stored<Spread>;

interface SideFigures {
  ttftMs: StoredSpread;
  decodeTps: StoredSpread;
}

interface RatioPair {
  decode: StoredSpread;
  ttft: StoredSpread;
}

/** The parts of bench/run.ts's report that a comparison reads. */
export interface BenchReport {
  schema: string;
  startedAt?: string;
  plan: { mode: string; model: string; maxNewTokens: number; runs: number; webgpu: { model: string; maxNewTokens: number } };
  environment: { node?: string; platform: string; cpus: number; cpu?: CpuDescription };
  threads?: number;
  figures: Partial<Record<'app' | 'appEngine' | 'bare' | 'native', SideFigures>>;
  ratios: Partial<Record<'appOverBare' | 'browserWasmOverNative', RatioPair>>;
  webgpu?: { model: string; figures: Partial<Record<'webgpu' | 'wasm', SideFigures>>; ratio?: RatioPair };
}

export interface BenchMetric {
  key: string;
  direction: Direction;
  spread: MetricSpread | null;
  /**
   * Whether a regression here fails the run. The WebGPU-vs-WASM side check runs wf-tiny, whose
   * ~12 ms TTFT is mostly scheduling jitter: printed for information, not gated (docs/benchmarks.md).
   */
  gated: boolean;
}

/** A bench figure as the regression rule reads it: with 5–7 runs, min–max is the median's interval. */
export function spreadFromBench(figure: StoredSpread | null | undefined): MetricSpread | null {
  if (!figure) return null;
  const { median, min, max, n } = figure;
  if (median === null || min === null || max === null || n === null) return null;
  return { median, low: min, high: max, n };
}

const SIDES = [
  ['app', 'app (page-observed)'],
  ['appEngine', 'app (engine clock)'],
  ['bare', 'bare transformers.js'],
  ['native', 'native (Node, ORT)'],
] as const;

/**
 * Which figures fail a run: 'all', or only 'ratios' — measured side by side in one run, they stay put
 * when the whole machine is slower (a busy or different CI host), while absolute tok/s and ms do not.
 */
export type BenchGate = 'all' | 'ratios';

/**
 * Every figure a comparison looks at; ratios are "above 1 = first is faster", so higher is better.
 * The browser ÷ native ratio is gated only when `sameProcessor`: native kernels use the CPU's widest
 * vectors and WASM cannot, so another processor moves it with no change to the code (bench/cpu.ts).
 */
export function benchMetrics(report: BenchReport, gate: BenchGate = 'all', sameProcessor = true): BenchMetric[] {
  const out: BenchMetric[] = [];
  const absoluteGated = gate === 'all';
  for (const [side, label] of SIDES) {
    const figures = report.figures[side];
    out.push({ key: `${label} decode tok/s`, direction: 'higher-is-better', spread: spreadFromBench(figures?.decodeTps), gated: absoluteGated });
    out.push({ key: `${label} TTFT ms`, direction: 'lower-is-better', spread: spreadFromBench(figures?.ttftMs), gated: absoluteGated });
  }
  for (const [ratio, label, gated] of [
    ['appOverBare', 'app ÷ bare', true],
    ['browserWasmOverNative', 'browser WASM ÷ native', sameProcessor],
  ] as const) {
    out.push({ key: `${label} decode ratio`, direction: 'higher-is-better', spread: spreadFromBench(report.ratios[ratio]?.decode), gated });
    out.push({ key: `${label} TTFT ratio`, direction: 'higher-is-better', spread: spreadFromBench(report.ratios[ratio]?.ttft), gated });
  }
  const gpu = report.webgpu;
  if (gpu) {
    for (const device of ['wasm', 'webgpu'] as const) {
      out.push({ key: `${gpu.model} on ${device} decode tok/s`, direction: 'higher-is-better', spread: spreadFromBench(gpu.figures[device]?.decodeTps), gated: false });
      out.push({ key: `${gpu.model} on ${device} TTFT ms`, direction: 'lower-is-better', spread: spreadFromBench(gpu.figures[device]?.ttftMs), gated: false });
    }
  }
  return out;
}

/** Checks a parsed JSON file is a bench report, with a message that says what is wrong. */
export function parseBenchReport(value: unknown, source: string): BenchReport {
  const report = value as Partial<BenchReport> | null;
  if (!report || typeof report !== 'object' || Array.isArray(report)) throw new Error(`${source} is not a bench result: expected a JSON object written by npm run bench.`);
  if (report.schema !== BENCH_SCHEMA) throw new Error(`${source} is not a bench result of schema ${BENCH_SCHEMA} (found ${JSON.stringify(report.schema ?? null)}).`);
  if (!report.plan || typeof report.plan.model !== 'string' || typeof report.plan.mode !== 'string') throw new Error(`${source} has no plan (mode, model): it cannot be matched with a fresh run.`);
  if (!report.figures || typeof report.figures !== 'object') throw new Error(`${source} has no figures to compare.`);
  return { ratios: {}, environment: { platform: 'unknown', cpus: 0 }, ...report } as BenchReport;
}

/** Why two reports measure different things (mode, model, tokens), or null when they match. */
export function planMismatch(baseline: BenchReport, current: BenchReport): string | null {
  const b = baseline.plan;
  const c = current.plan;
  const differences = [
    b.mode !== c.mode ? `mode ${b.mode} vs ${c.mode}` : null,
    b.model !== c.model ? `model ${b.model} vs ${c.model}` : null,
    b.maxNewTokens !== c.maxNewTokens ? `new tokens ${b.maxNewTokens} vs ${c.maxNewTokens}` : null,
    b.webgpu?.model !== c.webgpu?.model ? `WebGPU model ${b.webgpu?.model} vs ${c.webgpu?.model}` : null,
  ].filter(Boolean);
  return differences.length > 0 ? `The baseline measured something else (${differences.join(', ')}): rerun with the same options or choose another baseline.` : null;
}

/** Where the figures were taken; different machine types are flagged, not refused. */
export function machineType(environment: BenchReport['environment']): string {
  return `${environment.platform}-${environment.cpus}cpu`;
}

export interface BenchComparisonRow {
  key: string;
  direction: Direction;
  gated: boolean;
  baseline: MetricSpread | null;
  current: MetricSpread | null;
  comparison: MetricComparison;
}

export interface BenchComparison {
  rows: BenchComparisonRow[];
  /** Regressions in gated metrics: these fail the run. */
  regressions: BenchComparisonRow[];
  /** A different plan: the comparison is meaningless and the run fails without comparing. */
  mismatch: string | null;
  /** Different machine types: compared anyway, with this warning. */
  machineWarning: string | null;
  /** Different or unknown processors: the browser ÷ native ratio is shown, not gated, for this reason. */
  cpuWarning: string | null;
}

function cpuName(cpu: CpuDescription | undefined): string {
  return cpu ? `${cpu.model} (${cpu.vectors})` : 'an unrecorded processor';
}

export function compareBenchReports(baseline: BenchReport, current: BenchReport, policy: RegressionPolicy = DEFAULT_POLICY, gate: BenchGate = 'all'): BenchComparison {
  const mismatch = planMismatch(baseline, current);
  const sameProcessor = sameCpu(baseline.environment.cpu, current.environment.cpu);
  const baseMetrics = new Map(benchMetrics(baseline).map((m) => [m.key, m]));
  const rows = mismatch
    ? []
    : benchMetrics(current, gate, sameProcessor).map((metric) => ({
        key: metric.key,
        direction: metric.direction,
        gated: metric.gated,
        baseline: baseMetrics.get(metric.key)?.spread ?? null,
        current: metric.spread,
        comparison: compareMetric(metric.direction, baseMetrics.get(metric.key)?.spread, metric.spread, policy),
      }));
  const baseType = machineType(baseline.environment);
  const currentType = machineType(current.environment);
  return {
    rows,
    regressions: rows.filter((row) => row.gated && row.comparison.verdict === 'regression'),
    mismatch,
    machineWarning: baseType === currentType ? null : `The baseline was taken on ${baseType}, this run on ${currentType}: figures may differ for that reason alone.`,
    cpuWarning: sameProcessor
      ? null
      : `The baseline ran on ${cpuName(baseline.environment.cpu)}, this run on ${cpuName(current.environment.cpu)}: native kernels use each processor's widest vectors and browser WASM cannot, so browser WASM ÷ native is shown for information only.`,
  };
}

function formatSpread(spread: MetricSpread | null): string {
  if (!spread) return '—';
  const digits = spread.median < 10 ? 3 : 1;
  return `${spread.median.toFixed(digits)} (${spread.low.toFixed(digits)}–${spread.high.toFixed(digits)})`;
}

const WORDS: Record<MetricComparison['verdict'], string> = {
  regression: 'REGRESSION',
  'within-noise': 'within noise',
  unchanged: 'unchanged',
  improvement: 'improvement',
  missing: 'not measured',
};

/** The comparison as printed by the bench: one line per metric, then the outcome. */
export function formatBenchComparison(result: BenchComparison, policy: RegressionPolicy, baselineName: string): string {
  if (result.mismatch) return `Compared with ${baselineName}: ${result.mismatch}`;
  const lines = [`Compared with ${baselineName} (tolerance ${(policy.tolerance * 100).toFixed(0)} % beyond the measured noise; median (min–max)):`];
  if (result.machineWarning) lines.push(`  Note: ${result.machineWarning}`);
  if (result.cpuWarning) lines.push(`  Note: ${result.cpuWarning}`);
  for (const row of result.rows) {
    const change = Number.isFinite(row.comparison.change) ? `${row.comparison.change >= 0 ? '+' : ''}${(row.comparison.change * 100).toFixed(1)} %` : '';
    const verdict = `${WORDS[row.comparison.verdict]}${row.gated ? '' : ' (information only)'}`;
    lines.push(`  ${row.key.padEnd(36)} ${formatSpread(row.baseline).padEnd(24)} → ${formatSpread(row.current).padEnd(24)} ${change.padStart(8)}  ${verdict}`);
  }
  lines.push(
    result.regressions.length > 0
      ? `${result.regressions.length} regression(s): ${result.regressions.map((r) => r.key).join('; ')}.`
      : 'No regression beyond the tolerance and the measured noise.',
  );
  return lines.join('\n');
}
