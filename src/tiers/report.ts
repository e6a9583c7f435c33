// Plain-data types shared by detection, calibration and the pure policy modules.
// Everything here must survive structuredClone, JSON and IndexedDB unchanged: no classes, no functions.

export type Tier = 'low' | 'mid' | 'high';

/** Ordered from least to most capable, so tiers can be compared by index. */
export const TIERS: readonly Tier[] = ['low', 'mid', 'high'];

/** Why WebGPU is not usable in the context that asked. */
export type WebGpuUnavailableReason =
  | 'api-missing' // no navigator.gpu: browser without WebGPU, flag off, or an insecure context
  | 'no-adapter' // navigator.gpu exists but requestAdapter() gave null (blocklisted or disabled GPU)
  | 'adapter-error' // requestAdapter() threw or never answered
  | 'no-navigator'; // not a browser context at all (e.g. Node)

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

/** The adapter limits that decide which LLM builds can run at all. */
export interface GpuLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  maxStorageBuffersPerShaderStage: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
}

export type WebGpuReport =
  | {
      available: true;
      adapter: AdapterInfo;
      isFallbackAdapter: boolean;
      /** Sorted, so that equal adapters give equal reports. */
      features: string[];
      limits: GpuLimits;
    }
  | {
      available: false;
      reason: WebGpuUnavailableReason;
      /** What actually happened, for the device card and bug reports. */
      detail: string;
    };

export interface StorageEstimateReport {
  quotaBytes: number;
  usageBytes: number;
}

export interface UserAgentReport {
  /** 'Google Chrome', 'Chromium', 'Microsoft Edge', 'Firefox', 'Safari' or 'unknown'. */
  brand: string;
  /** Major version as a string ('' when unknown). */
  version: string;
  platform: string;
  /** Where brand/version/platform came from: the structured Client Hints API or the UA string. */
  source: 'userAgentData' | 'userAgent' | 'none';
}

export interface HardwareReport {
  schema: 1;
  /** ISO time of collection. */
  collectedAt: string;
  /** Where detection ran: WebGPU availability can differ between a page and a worker. */
  context: 'window' | 'worker' | 'other';
  webgpu: WebGpuReport;
  /** navigator.deviceMemory in GiB: rounded down to a power of two and capped by some browsers. */
  deviceMemoryGiB: number | null;
  hardwareConcurrency: number | null;
  crossOriginIsolated: boolean;
  storage: StorageEstimateReport | null;
  /** null when neither Client Hints nor the UA string could tell. */
  mobile: boolean | null;
  userAgent: UserAgentReport;
  /** APIs that were absent or failed: missing APIs are facts, not errors. */
  missing: string[];
}

export type ComputeBackend = 'wasm' | 'webgpu';

export interface MeasurementMethod {
  /** Human-readable description of the bandwidth kernel. */
  bandwidthKernel: string;
  flopsKernel: string;
  threads: number;
  /** Size of the streamed buffer: larger than the caches, so it measures memory, not cache. */
  bufferBytes: number;
  samples: number;
  /** The figures are the fastest sample's: interference only slows samples, and a ceiling must not be underestimated. */
  statistic: 'best';
  /** The median sample, to show how noisy the measurement was. */
  medianBandwidthGBps: number;
  medianGflops: number;
}

export interface BackendMeasurement {
  status: 'measured';
  backend: ComputeBackend;
  /** Bytes read per second ÷ 1e9. */
  bandwidthGBps: number;
  /** f32 floating-point operations per second ÷ 1e9 (a multiply-add counts as two). */
  gflops: number;
  method: MeasurementMethod;
}

export interface BackendNotMeasured {
  status: 'unavailable' | 'failed';
  backend: ComputeBackend;
  reason: string;
}

export type BackendCalibration = BackendMeasurement | BackendNotMeasured;

export interface Calibration {
  schema: 1;
  /** fingerprint(report) of the hardware it was measured on; the cache key. */
  fingerprint: string;
  measuredAt: string;
  durationMs: number;
  wasm: BackendCalibration;
  webgpu: BackendCalibration;
}

export interface TierReason {
  /** Stable identifier, for tests and telemetry. */
  rule: string;
  /** The highest tier this fact allows. The decided tier is the lowest ceiling of all rules. */
  ceiling: Tier;
  /** A sentence a user understands, with the numbers that triggered it. */
  text: string;
  /** A short phrase for one-line notices ("software WebGPU adapter"). */
  short: string;
  /** True when this rule's ceiling is the tier that was decided. */
  decisive: boolean;
}

export interface TierDecision {
  /** The tier in effect: the override when there is one, otherwise the detected tier. */
  tier: Tier;
  /** What the rules decided, whatever the user chose. */
  detected: Tier;
  overridden: boolean;
  reasons: TierReason[];
}
