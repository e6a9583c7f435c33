// Capacity arithmetic from the specification: memory budget, model footprint, what fits together,
// parallel throughput with contention, and the bandwidth-bound decode ceiling. Pure functions.

import { GB, GiB, formatBinaryBytes, formatBytes } from '../lib/format.ts';
import { gpuClass } from './gpu-class';
import type { ResolvedProfile } from './profiles';
import type { ComputeBackend, HardwareReport } from './report';

export type Dtype = 'fp32' | 'fp16' | 'q8' | 'q4';
export type KvDtype = 'fp32' | 'fp16';

/**
 * Nominal storage per parameter. Real 8- and 4-bit formats add a scale per block of 32 weights
 * (+3 to +12 %); the runtime overhead below absorbs that rather than pretending to one format.
 */
export const BYTES_PER_PARAM: Readonly<Record<Dtype, number>> = { fp32: 4, fp16: 2, q8: 1, q4: 0.5 };
const KV_BYTES: Readonly<Record<KvDtype, number>> = { fp32: 4, fp16: 2 };

/** From the largest to the smallest, the order in which to suggest a smaller dtype. */
export const DTYPES_BY_SIZE: readonly Dtype[] = ['fp32', 'fp16', 'q8', 'q4'];

/**
 * Runtime overhead per loaded model: a fixed part (runtime code and heap, tokenizer, activation and
 * logits buffers: a 49k-vocabulary logits row alone is 0.2 MB per token in f32) and a part
 * proportional to the weights (quantisation scales, temporary buffers, allocator slack).
 */
export const RUNTIME_OVERHEAD = { fixedBytes: 100e6, weightFraction: 0.1 } as const;

/** 32-bit WebAssembly addresses 4 GiB: no WASM engine can hold a model larger than that. */
export const WASM32_MAX_BYTES = 4 * GiB;

/** Used when the browser does not report RAM (Firefox, Safari): the common low end of laptops. */
export const ASSUMED_RAM_GIB_WHEN_UNKNOWN = 4;

/** The midpoint of the spec's 0.3–0.5 on mid GPUs, until the scheduler measures the real one. */
export const DEFAULT_CONTENTION_ALPHA = 0.4;

export interface ModelSpec {
  name: string;
  params: number;
  dtype: Dtype;
  layers: number;
  kvHeads: number;
  headDim: number;
  contextTokens: number;
  /** Defaults to fp32 for fp32 weights and fp16 otherwise (q4f32 builds keep an f32 cache: say so). */
  kvDtype?: KvDtype;
  /**
   * The weights' real size at one dtype, where params × bytes per param would miscount it (a q4 ONNX
   * file keeps its embedding unquantised: three times the estimate). Used only while `dtype` is that
   * dtype, so a suggestion that tries another dtype falls back to the estimate.
   */
  storedWeights?: { dtype: Dtype; bytes: number };
}

export interface Footprint {
  weightsBytes: number;
  kvCacheBytes: number;
  overheadBytes: number;
  totalBytes: number;
}

export function weightsBytes(params: number, dtype: Dtype): number {
  return params * BYTES_PER_PARAM[dtype];
}

/** Keys and values (×2) for every layer, KV head, head dimension and token of context. */
export function kvCacheBytes(model: Pick<ModelSpec, 'layers' | 'kvHeads' | 'headDim' | 'dtype' | 'kvDtype'>, tokens: number): number {
  return model.layers * 2 * model.kvHeads * model.headDim * tokens * KV_BYTES[kvDtypeOf(model)];
}

function kvDtypeOf(model: Pick<ModelSpec, 'dtype' | 'kvDtype'>): KvDtype {
  return model.kvDtype ?? (model.dtype === 'fp32' ? 'fp32' : 'fp16');
}

export function runtimeOverheadBytes(weights: number): number {
  return RUNTIME_OVERHEAD.fixedBytes + RUNTIME_OVERHEAD.weightFraction * weights;
}

/** The spec's weights: their real size where it is known for this dtype, else params × bytes per param. */
export function specWeightsBytes(model: Pick<ModelSpec, 'params' | 'dtype' | 'storedWeights'>): number {
  return model.storedWeights?.dtype === model.dtype ? model.storedWeights.bytes : weightsBytes(model.params, model.dtype);
}

export function modelFootprint(model: ModelSpec): Footprint {
  const weights = specWeightsBytes(model);
  const kv = kvCacheBytes(model, model.contextTokens);
  const overhead = runtimeOverheadBytes(weights);
  return { weightsBytes: weights, kvCacheBytes: kv, overheadBytes: overhead, totalBytes: weights + kv + overhead };
}

/** The spec's max model size ≈ 0.8·V / bytes_per_param: an upper bound that ignores KV cache and overhead. */
export function maxModelParams(budgetBytes: number, dtype: Dtype): number {
  return Math.floor(Math.max(0, budgetBytes) / BYTES_PER_PARAM[dtype]);
}

/** The largest parameter count whose full footprint (KV cache and overhead included) fits. */
export function maxParamsWithFootprint(budgetBytes: number, model: Omit<ModelSpec, 'params' | 'name'>): number {
  const free = budgetBytes - kvCacheBytes(model, model.contextTokens) - RUNTIME_OVERHEAD.fixedBytes;
  const perParam = BYTES_PER_PARAM[model.dtype] * (1 + RUNTIME_OVERHEAD.weightFraction);
  return Math.max(0, Math.floor(free / perParam));
}

export interface BudgetLimits {
  /** What all resident models together may use. */
  bytes: number;
  /** What one model may use at most, whatever the total (WASM's 4 GiB); null when no such limit. */
  perModelMaxBytes: number | null;
}

export interface MemoryBudget extends BudgetLimits {
  backend: ComputeBackend;
  /** V: the memory the models live in (RAM for WASM, VRAM or shared RAM for WebGPU). */
  poolBytes: number;
  fraction: number;
  reserveBytes: number;
  /** Every assumption the figure rests on, in words, for the device card. */
  assumptions: string[];
}

/** bytes = min(fraction·V, V − reserve), never negative. */
export function budgetFromPool(poolBytes: number, fraction: number, reserveBytes: number): number {
  return Math.max(0, Math.min(fraction * poolBytes, poolBytes - reserveBytes));
}

export function memoryBudget(report: HardwareReport, resolved: ResolvedProfile): MemoryBudget {
  const { profile, backend } = resolved;
  const assumptions: string[] = [];

  const ramGiB = report.deviceMemoryGiB ?? ASSUMED_RAM_GIB_WHEN_UNKNOWN;
  // deviceMemory counts GiB; taking them as decimal GB reads as the "16 GB" users know and errs low by 7 %.
  const ramBytes = ramGiB * GB;
  assumptions.push(
    report.deviceMemoryGiB === null
      ? `This browser does not report its RAM; ${formatBytes(ramBytes)} is assumed.`
      : `The browser reports ${formatBytes(ramBytes)} of RAM (navigator.deviceMemory rounds down and may be capped, so there may be more).`,
  );

  let poolBytes = ramBytes;
  if (backend === 'webgpu') {
    const assumed = profile.memory.assumedGpuBytes;
    if (gpuClass(report.webgpu) === 'discrete') {
      poolBytes = assumed;
      assumptions.push(`Browsers do not reveal GPU memory; a ${profile.label}-tier discrete GPU is assumed to have ${formatBytes(assumed)}.`);
    } else {
      poolBytes = Math.min(assumed, ramBytes);
      assumptions.push(
        `The GPU shares system memory and does not reveal its share; ${formatBytes(poolBytes)} is assumed (${profile.label} tier, no more than the RAM).`,
      );
    }
  }

  const bytes = budgetFromPool(poolBytes, profile.memory.budgetFraction, profile.memory.reserveBytes);
  assumptions.push(
    `Models may use ${Math.round(profile.memory.budgetFraction * 100)} % of it, keeping at least ${formatBytes(profile.memory.reserveBytes)} free for the browser and the system: ${formatBytes(bytes)}.`,
  );
  const perModelMaxBytes = backend === 'wasm' ? WASM32_MAX_BYTES : null;
  if (perModelMaxBytes !== null) assumptions.push(`One WASM engine addresses at most ${formatBinaryBytes(perModelMaxBytes)} (32-bit WebAssembly).`);

  return {
    backend,
    poolBytes,
    fraction: profile.memory.budgetFraction,
    reserveBytes: profile.memory.reserveBytes,
    bytes,
    perModelMaxBytes,
    assumptions,
  };
}

export interface FitResult {
  fits: boolean;
  totalBytes: number;
  budgetBytes: number;
  /** Budget minus total: negative by the amount that does not fit. */
  spareBytes: number;
}

/** The spec's rule: models may run together only if their footprints sum to at most the budget. */
export function fitsTogether(footprints: readonly Footprint[], budgetBytes: number): FitResult {
  const totalBytes = footprints.reduce((sum, f) => sum + f.totalBytes, 0);
  return { fits: totalBytes <= budgetBytes, totalBytes, budgetBytes, spareBytes: budgetBytes - totalBytes };
}

/** Effective TPS of N parallel members ≈ TPS₁·N / (1 + (N−1)·α): α = 0 is perfect scaling, 1 none. */
export function effectiveTps(tps1: number, n: number, alpha: number = DEFAULT_CONTENTION_ALPHA): number {
  if (n < 1) return 0;
  return (tps1 * n) / (1 + (n - 1) * alpha);
}

/** The same formula solved for α, to replace the assumed α with one measured by the scheduler. */
export function contentionAlpha(tps1: number, n: number, combinedTps: number): number {
  if (n < 2 || combinedTps <= 0) return 0;
  return ((tps1 * n) / combinedTps - 1) / (n - 1);
}

/** Decode reads every weight once per token, plus the KV cache up to the current position. */
export function bytesReadPerToken(model: ModelSpec, position = 0): number {
  return specWeightsBytes(model) + kvCacheBytes(model, position);
}

/** What the memory system physically allows: no decoder can beat bandwidth ÷ bytes read per token. */
export function decodeCeilingTps(bandwidthGBps: number, bytesPerToken: number): number {
  return bytesPerToken > 0 ? (bandwidthGBps * 1e9) / bytesPerToken : 0;
}

export function percentOfCeiling(tps: number, ceilingTps: number): number {
  return ceilingTps > 0 ? (100 * tps) / ceilingTps : 0;
}

/** Inverse of the ceiling: the bandwidth needed for tps, when decode reaches only `efficiency` of it. */
export function bandwidthNeededGBps(tps: number, bytesPerToken: number, efficiency = 1): number {
  return (tps * bytesPerToken) / efficiency / 1e9;
}
