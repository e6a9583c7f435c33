import { describe, expect, it } from 'vitest';
import { compareRunMetrics, runMetrics, spreadOf } from './run-metrics.ts';
import type { RunRecord } from './run-record.ts';
import { UNKNOWN_ENVIRONMENT } from './run-environment.ts';

const record = (over: Partial<RunRecord> = {}): RunRecord => ({
  at: 0,
  appVersion: '0.1.0',
  modelId: 'wf-tiny',
  engine: 'transformers.js',
  device: 'wasm',
  wasmThreads: 1,
  promptPreview: 'abc',
  promptTokens: 3,
  outputTokens: 5,
  finishReason: 'length',
  ttftMs: 20,
  prefillMs: 15,
  decodeTps: 250,
  gapP50Ms: 4,
  gapP95Ms: 5,
  gapP99Ms: 5,
  totalMs: 40,
  pageTtftMs: 25,
  pageDecodeTps: 240,
  environment: UNKNOWN_ENVIRONMENT,
  ...over,
});

describe('spreadOf', () => {
  it('takes min–max below 20 samples', () => {
    expect(spreadOf([3, 1, 2, 5])).toEqual({ median: 2.5, low: 1, high: 5, n: 4, medianLow: 1, medianHigh: 5 });
  });

  it('takes p5–p95 from 20 samples on', () => {
    const oneToTwenty = Array.from({ length: 20 }, (_, i) => i + 1);
    // p5 at rank 0.95 → 1.95; p95 at rank 18.05 → 19.05.
    // The median's interval: 10 ∓ 4.38 → ranks 5 and 15.
    expect(spreadOf(oneToTwenty)).toEqual({ median: 10.5, low: expect.closeTo(1.95, 10), high: expect.closeTo(19.05, 10), n: 20, medianLow: 5, medianHigh: 15 });
  });

  it('drops what is not finite and is null when nothing is left', () => {
    expect(spreadOf([Number.NaN, 4])).toEqual({ median: 4, low: 4, high: 4, n: 1, medianLow: 4, medianHigh: 4 });
    expect(spreadOf([Number.NaN])).toBeNull();
  });
});

describe('runMetrics', () => {
  it('turns engine gaps into per-token rates', () => {
    const m = runMetrics(record(), { engineGapsMs: [4, 5, 2, 0] });
    // 0 ms gaps (two tokens in one tick) carry no rate; 1000/[4,5,2] = [250, 200, 500].
    expect(m.decodeTps).toEqual({ median: 250, low: 200, high: 500, n: 3, medianLow: 200, medianHigh: 500 });
    expect(m.ttftMs).toEqual({ median: 20, low: 20, high: 20, n: 1 });
    expect(m.gapP95Ms).toEqual({ median: 5, low: 5, high: 5, n: 1 });
  });

  it('falls back to the stored rate for a run without samples (kept from schema v1)', () => {
    expect(runMetrics(record(), null).decodeTps).toEqual({ median: 250, low: 250, high: 250, n: 1 });
  });

  it('leaves an unmeasured figure out', () => {
    const m = runMetrics(record({ decodeTps: Number.NaN, gapP95Ms: Number.NaN }), null);
    expect(m.decodeTps).toBeNull();
    expect(m.gapP95Ms).toBeNull();
  });
});

describe('compareRunMetrics', () => {
  it('finds the slowdown of the same model on a 15× slower device in every metric', () => {
    const fast = runMetrics(record(), { engineGapsMs: Array.from({ length: 30 }, (_, i) => 3 + (i % 3)) });
    const slow = runMetrics(record({ ttftMs: 300, gapP95Ms: 70, device: 'webgpu' }), { engineGapsMs: Array.from({ length: 30 }, (_, i) => 50 + (i % 10)) });
    const rows = compareRunMetrics(fast, slow);
    expect(rows.map((r) => [r.metric.key, r.comparison.verdict])).toEqual([
      ['decodeTps', 'regression'],
      ['ttftMs', 'regression'],
      ['gapP95Ms', 'regression'],
    ]);
    expect(compareRunMetrics(slow, fast).every((r) => r.comparison.verdict === 'improvement')).toBe(true);
  });

  it('calls a run like its baseline unchanged', () => {
    const gaps = { engineGapsMs: Array.from({ length: 30 }, (_, i) => 3 + (i % 3)) };
    expect(compareRunMetrics(runMetrics(record(), gaps), runMetrics(record({ ttftMs: 21 }), gaps)).map((r) => r.comparison.verdict)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
  });
});
