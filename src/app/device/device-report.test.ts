import { describe, expect, it } from 'vitest';
import { classifyTier, memoryBudget, resolveProfile, TIER_PROFILES } from '../../tiers/index.ts';
import { androidPhoneReport, calibrationFor, chromiumNoAdapterReport, nvidiaDesktopReport, swiftShaderReport } from '../../tiers/fixtures.ts';
import { buildDeviceReport, deviceReportFileName, maxParamsByDtype, perModelLimit } from './device-report.ts';
import { calibrationFigure, councilText, councilThroughputText, hardwareFacts, maxModelText, orderedReasons } from './device-facts.ts';

describe('buildDeviceReport', () => {
  const decision = classifyTier(swiftShaderReport, undefined, 'high');
  const profile = resolveProfile(decision.tier, swiftShaderReport);
  const budget = memoryBudget(swiftShaderReport, profile);
  const calibration = calibrationFor(swiftShaderReport, { gpuGBps: 1.2, gpuGflops: 3, cpuGBps: 28, cpuGflops: 58 });
  const report = buildDeviceReport({
    appVersion: '0.1.0',
    now: new Date('2025-11-23T20:00:00Z'),
    hardware: swiftShaderReport,
    calibration,
    decision,
    profile,
    budget,
    wasmThreads: { modelId: 'wf-tiny', parameters: 35040, threads: 1 },
    models: [{ id: 'wf-tiny', preflight: null }],
  });

  it('carries everything, the override shown as such', () => {
    expect(report).toMatchObject({
      kind: 'wirthforge-device-report',
      schema: 1,
      appVersion: '0.1.0',
      generatedAt: '2025-11-23T20:00:00.000Z',
      fingerprint: calibration.fingerprint,
      notice: 'High tier (your choice; detected Low: software WebGPU adapter), council of 4 (up to 6), 60 FPS',
      decision: { tier: 'high', detected: 'low', overridden: true },
      profile: { backend: 'wasm', profile: { tier: 'high' } },
    });
    // Survives JSON unchanged: plain data only.
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('gives the spec’s max model size within one WASM engine’s 4 GiB', () => {
    // 16 GB reported, High reserve 2 GB: min(12.8, 14) = 12.8 GB, but one WASM engine holds 4 GiB.
    expect(budget.bytes).toBe(12.8e9);
    expect(perModelLimit(budget)).toBe(4 * 1024 ** 3);
    expect(report.maxModelParams.fp32).toBe(Math.floor((4 * 1024 ** 3) / 4));
    expect(maxModelText(report.maxModelParams)).toBe('1.1B parameters at fp32 · 8.6B at q4');
  });

  it('names the file by tier, fingerprint and date', () => {
    expect(deviceReportFileName(report)).toBe(`wirthforge-device-high-${calibration.fingerprint.slice(0, 12)}-2025-11-23.json`);
  });

  it('has no per-model limit on WebGPU', () => {
    const gpuDecision = classifyTier(nvidiaDesktopReport, calibrationFor(nvidiaDesktopReport, { gpuGBps: 800, cpuGBps: 40, cpuGflops: 200 }));
    const gpuBudget = memoryBudget(nvidiaDesktopReport, resolveProfile(gpuDecision.tier, nvidiaDesktopReport));
    expect(gpuBudget.perModelMaxBytes).toBeNull();
    expect(maxParamsByDtype(gpuBudget).q4).toBe(2 * gpuBudget.bytes);
  });
});

describe('device card wording', () => {
  it('lists what the browser reports about a SwiftShader adapter', () => {
    const facts = Object.fromEntries(hardwareFacts(swiftShaderReport).map((f) => [f.id, f.value]));
    expect(facts).toMatchObject({
      'adapter-vendor': 'google',
      'adapter-architecture': 'swiftshader',
      'adapter-device': '(not reported)',
      fallback: 'yes',
      'shader-f16': 'no',
      'max-buffer': '1 GiB',
      'max-storage-binding': '1 GiB',
      'storage-buffers': '10',
      'workgroup-storage': '32 KiB',
      invocations: '256',
      'device-memory': '16 GB',
      cores: '2',
      'cross-origin-isolated': 'yes',
      mobile: 'no',
      browser: 'Chromium 156 on Linux',
    });
    expect(facts['missing']).toBeUndefined();
  });

  it('says why WebGPU is missing instead of listing an adapter', () => {
    const facts = hardwareFacts(chromiumNoAdapterReport);
    expect(facts[0]).toEqual({ id: 'webgpu', label: 'WebGPU', value: expect.stringContaining('not available: requestAdapter() returned null') });
    expect(facts.some((f) => f.id === 'fallback')).toBe(false);
  });

  it('puts the decisive reasons first', () => {
    const decision = classifyTier(androidPhoneReport, undefined);
    const ordered = orderedReasons(decision);
    const firstNonDecisive = ordered.findIndex((r) => !r.decisive);
    expect(ordered.slice(0, firstNonDecisive).every((r) => r.decisive)).toBe(true);
    expect(ordered.slice(firstNonDecisive).every((r) => !r.decisive)).toBe(true);
    expect(ordered.map((r) => r.rule).slice(0, 2)).toEqual(['mobile', 'small-storage-binding']);
    expect(ordered).toHaveLength(decision.reasons.length);
  });

  it('describes each tier’s council', () => {
    expect(councilText(TIER_PROFILES.low)).toBe('1 at a time; the others queue');
    expect(councilText(TIER_PROFILES.mid)).toBe('2, up to 3 when all fit the budget');
    expect(councilText(TIER_PROFILES.high)).toBe('4, up to 6 when all fit the budget');
  });

  it.each([
    { tier: 'low' as const, alpha: null, text: '≈ 30 tok/s combined for 1 member at the tier’s 30 tok/s each (α 0.40, assumed, the specification’s 0.3–0.5)' },
    // 2 × 80 / (1 + 0.4) = 114.3
    { tier: 'mid' as const, alpha: null, text: '≈ 114 tok/s combined for 2 members at the tier’s 80 tok/s each (α 0.40, assumed, the specification’s 0.3–0.5)' },
    // 2 × 80 / (1 + 1.25): members that slow each other more than they add
    { tier: 'mid' as const, alpha: 1.25, text: '≈ 71 tok/s combined for 2 members at the tier’s 80 tok/s each (α 1.25, measured by the scheduler)' },
  ])('council throughput on $tier with α $alpha', ({ tier, alpha, text }) => {
    expect(councilThroughputText(TIER_PROFILES[tier], alpha)).toBe(text);
  });

  it('formats calibration figures, and says why one is missing', () => {
    const calibration = calibrationFor(swiftShaderReport, { cpuGBps: 28.4, cpuGflops: 58.2 });
    expect(calibrationFigure(calibration.wasm)).toEqual({ bandwidthGBps: 28.4, gflops: 58.2, text: '28 GB/s · 58 GFLOP/s (2 threads)' });
    expect(calibrationFigure(calibration.webgpu)).toEqual({ bandwidthGBps: null, gflops: null, text: 'not measured: no WebGPU adapter' });
  });
});
