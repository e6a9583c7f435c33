// What each tier promises and how it is tuned: plain data from the table in docs/spec.md, plus the few
// choices that depend on the hardware report (backend, web-llm build, thread counts).

import { GB } from '../lib/format.ts';
import { hasHardwareGpu } from './gpu-class';
import type { ComputeBackend, HardwareReport, Tier } from './report';

export type VisualQuality = 'lite' | 'balanced' | 'ultra';
/** serial: one member generates at a time and the rest queue; parallel: members generate together. */
export type CouncilMode = 'serial' | 'parallel';
/** single: one model resident; lru: evict the least recently used; lazy: load members on first use. */
export type LoadPolicy = 'single' | 'lru' | 'lazy';
export type WebLlmVariant = 'q4f16_1' | 'q4f32_1';

/** goal: what the tier aims for; limit: beyond this the target is missed. */
export interface TargetRange {
  goal: number;
  limit: number;
}

export interface TierProfile {
  tier: Tier;
  label: string;
  council: {
    mode: CouncilMode;
    /** The size offered by default. */
    recommended: number;
    /** Members that may generate at once. */
    cap: number;
    /** Members allowed when all of them fit the memory budget together ("3 if small models fit"). */
    stretchCap: number;
  };
  frames: {
    targetFps: number;
    /** Below this under load, the UI is failing the tier (and shrinks its visuals first). */
    floorFps: number;
    /** Share of frames allowed to miss the target's frame time. */
    maxLateFrameFraction: number;
  };
  visualQuality: VisualQuality;
  memory: {
    /** Share of RAM/VRAM models may use: the spec's 0.8·V. */
    budgetFraction: number;
    /** Kept free whatever the fraction says, for the browser, the page and the system. */
    reserveBytes: number;
    /** GPU memory assumed for this tier, since browsers do not reveal VRAM. */
    assumedGpuBytes: number;
    maxResidentModels: number;
    loadPolicy: LoadPolicy;
  };
  targets: {
    /** Decode tokens/s of one model generating alone, and of the whole council. */
    decodeTps: { perModel: number; combined: number };
    ttftMs: TargetRange;
    p95CompletionMs: TargetRange;
    /** Per-stream decode TPS drawn as "full energy" by the visuals (the normalisation max). */
    energyMaxTps: number;
  };
  threads: {
    /** Upper bound on WASM threads per engine; the real count also depends on the cores. */
    wasmPerEngineMax: number;
  };
}

/** The spec's "hard cap 6 without override", applied to every tier's council size. */
export const COUNCIL_HARD_CAP = 6;

export const TIER_PROFILES: Readonly<Record<Tier, TierProfile>> = {
  low: {
    tier: 'low',
    label: 'Low',
    council: { mode: 'serial', recommended: 1, cap: 1, stretchCap: 1 },
    // 30 FPS: the CPU that decodes also draws; every frame not drawn is decode time.
    frames: { targetFps: 30, floorFps: 30, maxLateFrameFraction: 0.05 },
    visualQuality: 'lite',
    memory: {
      budgetFraction: 0.8,
      // On a 4 GB machine 20 % is 0.8 GB, too little for the OS and the browser: keep 1 GB at least.
      reserveBytes: 1 * GB,
      // A GPU that only earns Low (a phone, a small part) is not trusted with more than 4 GB.
      assumedGpuBytes: 4 * GB,
      maxResidentModels: 1,
      loadPolicy: 'single',
    },
    targets: {
      decodeTps: { perModel: 30, combined: 30 },
      ttftMs: { goal: 1000, limit: 1500 },
      p95CompletionMs: { goal: 3000, limit: 4000 },
      // Target at 75 % of the scale, so reaching it looks lively and beating it still shows.
      energyMaxTps: 40,
    },
    // One engine may use every core: decode is memory-bound and a 30 FPS UI needs little CPU.
    threads: { wasmPerEngineMax: 4 },
  },
  mid: {
    tier: 'mid',
    label: 'Mid',
    council: { mode: 'parallel', recommended: 2, cap: 2, stretchCap: 3 },
    // Alerts fire below 50 FPS, so that is where Mid counts as failing.
    frames: { targetFps: 60, floorFps: 50, maxLateFrameFraction: 0.05 },
    visualQuality: 'balanced',
    memory: {
      budgetFraction: 0.8,
      // The desktop compositor and the browser's own GPU use take about a gigabyte of VRAM.
      reserveBytes: 1 * GB,
      // The low end of the spec's "GPU, 6–12 GB": never promise memory the card may not have.
      assumedGpuBytes: 6 * GB,
      maxResidentModels: 2,
      loadPolicy: 'lru',
    },
    targets: {
      decodeTps: { perModel: 80, combined: 100 },
      ttftMs: { goal: 1000, limit: 1000 },
      p95CompletionMs: { goal: 2000, limit: 2000 },
      energyMaxTps: 100,
    },
    // Models run on the GPU; WASM threads only matter for a member that falls back to the CPU.
    threads: { wasmPerEngineMax: 2 },
  },
  high: {
    tier: 'high',
    label: 'High',
    council: { mode: 'parallel', recommended: 4, cap: COUNCIL_HARD_CAP, stretchCap: COUNCIL_HARD_CAP },
    frames: { targetFps: 60, floorFps: 55, maxLateFrameFraction: 0.05 },
    visualQuality: 'ultra',
    memory: {
      budgetFraction: 0.8,
      // More displays and bigger apps beside the browser on the machines that reach High.
      reserveBytes: 2 * GB,
      // The spec's "16 GB+ VRAM".
      assumedGpuBytes: 16 * GB,
      maxResidentModels: COUNCIL_HARD_CAP,
      loadPolicy: 'lazy',
    },
    targets: {
      // 200 combined from 4 members at α = 0.4 needs 200·(1 + 3·0.4)/4 = 110 tok/s each alone.
      decodeTps: { perModel: 110, combined: 200 },
      ttftMs: { goal: 500, limit: 500 },
      p95CompletionMs: { goal: 1000, limit: 1500 },
      energyMaxTps: 140,
    },
    threads: { wasmPerEngineMax: 2 },
  },
};

export interface ResolvedProfile {
  profile: TierProfile;
  /** Where models run: a hardware WebGPU adapter if there is one, WASM otherwise. */
  backend: ComputeBackend;
  webLlmVariant: WebLlmVariant;
  wasmThreadsPerEngine: number;
  /** One worker per resident model, plus the scheduler's. */
  workers: { engines: number; scheduler: 1 };
}

export function resolveProfile(tier: Tier, report: HardwareReport): ResolvedProfile {
  const profile = TIER_PROFILES[tier];
  const cores = report.hardwareConcurrency ?? 1;
  // Without cross-origin isolation there is no SharedArrayBuffer, hence no WASM threads at all.
  const threadsAllowed = report.crossOriginIsolated ? profile.threads.wasmPerEngineMax : 1;
  const perEngine = Math.floor(cores / profile.memory.maxResidentModels);
  return {
    profile,
    backend: hasHardwareGpu(report) ? 'webgpu' : 'wasm',
    webLlmVariant: preferredWebLlmVariant(report),
    wasmThreadsPerEngine: Math.max(1, Math.min(threadsAllowed, perEngine)),
    workers: { engines: profile.memory.maxResidentModels, scheduler: 1 },
  };
}

/** web-llm throws ShaderF16SupportError for f16 builds on adapters without shader-f16. */
export function preferredWebLlmVariant(report: HardwareReport): WebLlmVariant {
  return webLlmVariantFor(report.webgpu.available ? report.webgpu.features : []);
}

/** The same choice from an adapter's feature list alone (an engine worker probes its own adapter). */
export function webLlmVariantFor(adapterFeatures: readonly string[]): WebLlmVariant {
  return adapterFeatures.includes('shader-f16') ? 'q4f16_1' : 'q4f32_1';
}
