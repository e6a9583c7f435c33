import { describe, expect, it } from 'vitest';
import { effectiveTps } from './capacity';
import { androidPhoneReport, noWebGpuReport, nvidiaDesktopReport, swiftShaderReport } from './fixtures';
import { COUNCIL_HARD_CAP, TIER_PROFILES, preferredWebLlmVariant, resolveProfile } from './profiles';

describe('tier profiles (docs/spec.md, Tier profiles)', () => {
  it.each([
    ['low', 'serial', 1, 1, 1, 30, 'lite', 30, 1500, 4000],
    ['mid', 'parallel', 2, 2, 3, 60, 'balanced', 80, 1000, 2000],
    ['high', 'parallel', 4, 6, 6, 60, 'ultra', 110, 500, 1500],
  ] as const)('%s', (tier, mode, recommended, cap, stretchCap, fps, quality, tps, ttft, p95) => {
    const p = TIER_PROFILES[tier];
    expect(p.council).toEqual({ mode, recommended, cap, stretchCap });
    expect(p.frames.targetFps).toBe(fps);
    expect(p.visualQuality).toBe(quality);
    expect(p.targets.decodeTps.perModel).toBe(tps);
    expect(p.targets.ttftMs.limit).toBe(ttft);
    expect(p.targets.p95CompletionMs.limit).toBe(p95);
    expect(p.memory.budgetFraction).toBe(0.8);
    expect(p.targets.energyMaxTps).toBeGreaterThan(p.targets.decodeTps.perModel);
    expect(p.council.stretchCap).toBeLessThanOrEqual(COUNCIL_HARD_CAP);
  });

  it('High’s per-model target yields its combined target with 4 members at α = 0.4', () => {
    const { perModel, combined } = TIER_PROFILES.high.targets.decodeTps;
    expect(effectiveTps(perModel, 4, 0.4)).toBeCloseTo(combined, 9);
  });
});

describe('web-llm variant', () => {
  it.each([
    ['SwiftShader (no shader-f16)', swiftShaderReport, 'q4f32_1'],
    ['no WebGPU', noWebGpuReport, 'q4f32_1'],
    ['NVIDIA (shader-f16)', nvidiaDesktopReport, 'q4f16_1'],
    ['Android (shader-f16)', androidPhoneReport, 'q4f16_1'],
  ] as const)('%s → %s', (_, report, variant) => {
    expect(preferredWebLlmVariant(report)).toBe(variant);
  });
});

describe('resolveProfile', () => {
  it.each([
    ['this machine, Low', swiftShaderReport, 'low', 'wasm', 2, 1],
    ['no cross-origin isolation: one thread', noWebGpuReport, 'low', 'wasm', 1, 1],
    ['NVIDIA, Mid', nvidiaDesktopReport, 'mid', 'webgpu', 2, 2],
    ['NVIDIA, High: 16 cores over 6 engines', nvidiaDesktopReport, 'high', 'webgpu', 2, 6],
    ['NVIDIA, High on 4 cores', { ...nvidiaDesktopReport, hardwareConcurrency: 4 }, 'high', 'webgpu', 1, 6],
  ] as const)('%s', (_, report, tier, backend, threads, engines) => {
    const resolved = resolveProfile(tier, report);
    expect(resolved.backend).toBe(backend);
    expect(resolved.wasmThreadsPerEngine).toBe(threads);
    expect(resolved.workers).toEqual({ engines, scheduler: 1 });
  });
});
