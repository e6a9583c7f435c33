import { describe, expect, it } from 'vitest';
import { benchMetrics, compareBenchReports, formatBenchComparison, machineType, parseBenchReport, planMismatch, spreadFromBench, type BenchReport } from './compare.ts';
import { DEFAULT_POLICY } from '../src/metrics/regression.ts';
import type { CpuDescription } from './cpu.ts';

const EPYC: CpuDescription = { model: 'AMD EPYC', vectors: 'avx2' };

const s = (median: number, min: number, max: number, n = 5) => ({ median, min, max, n });

function report(over: { appTps?: ReturnType<typeof s>; appTtft?: ReturnType<typeof s>; tinyTtft?: ReturnType<typeof s>; wasmOverNative?: ReturnType<typeof s>; mode?: string; cpus?: number; cpu?: CpuDescription | null } = {}): BenchReport {
  return {
    schema: 'wirthforge-bench/1',
    plan: { mode: over.mode ?? 'quick', model: 'wf-stories15m', maxNewTokens: 64, runs: 5, webgpu: { model: 'wf-tiny', maxNewTokens: 16 } },
    environment: { node: 'v20', platform: 'linux-x64', cpus: over.cpus ?? 2, ...(over.cpu === null ? {} : { cpu: over.cpu ?? EPYC }) },
    figures: {
      app: { decodeTps: over.appTps ?? s(80, 72, 88), ttftMs: over.appTtft ?? s(80, 76, 90) },
      appEngine: { decodeTps: s(81, 73, 89), ttftMs: s(78, 74, 88) },
      bare: { decodeTps: s(95, 90, 100), ttftMs: s(65, 60, 75) },
      native: { decodeTps: s(130, 120, 140), ttftMs: s(25, 22, 30) },
    },
    ratios: {
      appOverBare: { decode: s(0.84, 0.75, 0.95), ttft: s(0.8, 0.6, 1) },
      browserWasmOverNative: { decode: over.wasmOverNative ?? s(0.72, 0.65, 0.8), ttft: s(0.35, 0.3, 0.4) },
    },
    webgpu: { model: 'wf-tiny', figures: { webgpu: { decodeTps: s(17, 16, 19), ttftMs: s(190, 170, 220) }, wasm: { decodeTps: s(300, 200, 400), ttftMs: over.tinyTtft ?? s(12, 10, 14) } } },
  };
}

describe('spreadFromBench', () => {
  it('reads min–max as the noise band, and a figure JSON turned to null as missing', () => {
    expect(spreadFromBench(s(80, 72, 88))).toEqual({ median: 80, low: 72, high: 88, n: 5 });
    expect(spreadFromBench({ median: null, min: null, max: null, n: 0 })).toBeNull();
    expect(spreadFromBench(undefined)).toBeNull();
  });
});

describe('compareBenchReports', () => {
  it.each<[string, BenchReport, string[]]>([
    ['the same figures: nothing', report(), []],
    ['app decode down 30 %, beyond its min–max', report({ appTps: s(56, 52, 60) }), ['app (page-observed) decode tok/s']],
    ['app decode down 30 %, but within noise', report({ appTps: s(56, 40, 85) }), []],
    ['app TTFT up 50 %', report({ appTtft: s(120, 110, 130) }), ['app (page-observed) TTFT ms']],
    ['app decode up 30 %: an improvement fails nothing', report({ appTps: s(104, 100, 110) }), []],
    ['wf-tiny TTFT doubled: information only', report({ tinyTtft: s(24, 20, 28) }), []],
  ])('%s', (_name, current, regressions) => {
    const result = compareBenchReports(report(), current);
    expect(result.mismatch).toBeNull();
    expect(result.regressions.map((r) => r.key)).toEqual(regressions);
  });

  it('still shows an ungated metric’s verdict', () => {
    const result = compareBenchReports(report(), report({ tinyTtft: s(24, 20, 28) }));
    const row = result.rows.find((r) => r.key === 'wf-tiny on wasm TTFT ms')!;
    expect(row.comparison.verdict).toBe('regression');
    expect(row.gated).toBe(false);
    expect(formatBenchComparison(result, DEFAULT_POLICY, 'base.json')).toContain('REGRESSION (information only)');
  });

  it('takes the tolerance from the policy', () => {
    const slower = report({ appTps: s(56, 52, 60) });
    expect(compareBenchReports(report(), slower, { ...DEFAULT_POLICY, tolerance: 0.4 }).regressions).toEqual([]);
    expect(compareBenchReports(report(), slower, { ...DEFAULT_POLICY, tolerance: 0.25 }).regressions).toHaveLength(1);
    // Gating on ratios only: a uniformly slower machine is reported, not failed.
    expect(compareBenchReports(report(), slower, { ...DEFAULT_POLICY, tolerance: 0.25 }, 'ratios').regressions).toEqual([]);
    expect(compareBenchReports(report(), slower, { ...DEFAULT_POLICY, tolerance: 0.25 }, 'ratios').rows.some((r) => r.comparison.verdict === 'regression')).toBe(true);
  });

  it('refuses to compare different plans, and warns about different machines', () => {
    const full = compareBenchReports(report(), report({ mode: 'full' }));
    expect(full.mismatch).toContain('mode quick vs full');
    expect(full.rows).toEqual([]);
    expect(compareBenchReports(report(), report({ cpus: 8 })).machineWarning).toContain('linux-x64-2cpu, this run on linux-x64-8cpu');
  });

  it.each<[string, CpuDescription | null, CpuDescription | null, boolean]>([
    ['the same processor: gated', EPYC, EPYC, true],
    ['the same model name, AVX-512 on one side only: shown, not gated', EPYC, { ...EPYC, vectors: 'avx512' }, false],
    ['another processor: shown, not gated', EPYC, { model: 'Intel Xeon', vectors: 'avx2' }, false],
    ['a baseline that never recorded its processor: shown, not gated', null, EPYC, false],
  ])('browser WASM ÷ native down 66 %%, %s', (_name, baseCpu, currentCpu, fails) => {
    const result = compareBenchReports(report({ cpu: baseCpu }), report({ cpu: currentCpu, wasmOverNative: s(0.25, 0.22, 0.31) }), DEFAULT_POLICY, 'ratios');
    const row = result.rows.find((r) => r.key === 'browser WASM ÷ native decode ratio')!;
    expect(row.comparison.verdict).toBe('regression');
    expect(result.regressions.includes(row)).toBe(fails);
    expect(result.cpuWarning === null).toBe(fails);
    if (!fails) expect(formatBenchComparison(result, DEFAULT_POLICY, 'base.json')).toContain('browser WASM ÷ native is shown for information only');
  });

  it('prints one line per metric and the outcome', () => {
    const text = formatBenchComparison(compareBenchReports(report(), report({ appTps: s(56, 52, 60) })), DEFAULT_POLICY, 'base.json');
    expect(text).toMatch(/app \(page-observed\) decode tok\/s\s+80\.0 \(72\.0–88\.0\)\s+→ 56\.0 \(52\.0–60\.0\)\s+-30\.0 %\s+REGRESSION/);
    expect(text).toContain('1 regression(s): app (page-observed) decode tok/s.');
    expect(text.split('\n')).toHaveLength(1 + benchMetrics(report()).length + 1);
  });
});

describe('reading a baseline file', () => {
  it.each([
    [null, 'not a bench result'],
    [[], 'not a bench result'],
    [{ schema: 'other/1' }, 'schema wirthforge-bench/1 (found "other/1")'],
    [{ schema: 'wirthforge-bench/1' }, 'has no plan'],
    [{ schema: 'wirthforge-bench/1', plan: { mode: 'quick', model: 'm' } }, 'has no figures'],
  ])('%j is refused with a message', (value, message) => {
    expect(() => parseBenchReport(value, 'x.json')).toThrow(message);
  });

  it('accepts a bench report', () => {
    expect(parseBenchReport(JSON.parse(JSON.stringify(report())), 'x.json').plan.model).toBe('wf-stories15m');
  });

  it('names the machine type by platform and cores', () => {
    expect(machineType({ platform: 'linux-x64', cpus: 2 })).toBe('linux-x64-2cpu');
  });

  it('sees no mismatch between equal plans', () => {
    expect(planMismatch(report(), report())).toBeNull();
  });
});
