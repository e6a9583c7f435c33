// Public surface of src/tiers for the app, the scheduler and the workers.

export type * from './report';
export { TIERS } from './report';
export { detectHardware, requestGpuAdapter, summarizeAdapter, type AdapterSummary, type DetectScope } from './detect';
export { gpuClass, hasHardwareGpu, describeAdapter, type GpuClass } from './gpu-class';
export { fingerprint } from './fingerprint';
export { classifyTier, THRESHOLDS, REFERENCE_BYTES_PER_TOKEN, DECODE_EFFICIENCY } from './classify';
export { tierNotice } from './notice';
export {
  TIER_PROFILES,
  COUNCIL_HARD_CAP,
  resolveProfile,
  preferredWebLlmVariant,
  webLlmVariantFor,
  type TierProfile,
  type ResolvedProfile,
  type VisualQuality,
  type WebLlmVariant,
} from './profiles';
export {
  BYTES_PER_PARAM,
  DEFAULT_CONTENTION_ALPHA,
  RUNTIME_OVERHEAD,
  WASM32_MAX_BYTES,
  weightsBytes,
  kvCacheBytes,
  modelFootprint,
  maxModelParams,
  maxParamsWithFootprint,
  memoryBudget,
  fitsTogether,
  effectiveTps,
  ASSUMED_RAM_GIB_WHEN_UNKNOWN,
  contentionAlpha,
  bytesReadPerToken,
  decodeCeilingTps,
  percentOfCeiling,
  bandwidthNeededGBps,
  runtimeOverheadBytes,
  type Dtype,
  type KvDtype,
  type ModelSpec,
  type Footprint,
  type MemoryBudget,
  type BudgetLimits,
  type FitResult,
} from './capacity';
export {
  preflightModel,
  preflightCouncil,
  preflightPrompt,
  estimateTtft,
  councilCapOverride,
  COUNCIL_OVERRIDE_MAX,
  type PreflightAnswer,
  type Verdict,
  type PreflightResult,
  type CouncilPreflight,
} from './preflight';
export type { CalibrationPhase, CalibrationProgress } from './calibrate-protocol';
export { getCalibration, runCalibration, type GetCalibrationOptions } from './calibrate-client';
export { readTierOverride, writeTierOverride } from './tier-override';
export { formatBytes } from '../lib/format.ts';
