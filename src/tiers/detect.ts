/// <reference types="@webgpu/types" />
// The only module that touches navigator.gpu (and the other navigator facts). Works in a window and in
// a worker; every API is optional, and an absent or failing API is recorded in the report, never thrown.

import type {
  AdapterInfo,
  GpuLimits,
  HardwareReport,
  StorageEstimateReport,
  UserAgentReport,
  WebGpuReport,
  WebGpuUnavailableReason,
} from './report';

interface Brand {
  brand: string;
  version: string;
}

/** The parts of navigator detection reads, all optional because every browser lacks some. */
export interface NavigatorLike {
  gpu?: { requestAdapter(options?: GPURequestAdapterOptions): Promise<GPUAdapter | null> };
  deviceMemory?: number;
  hardwareConcurrency?: number;
  storage?: { estimate?: () => Promise<StorageEstimate> };
  userAgentData?: { brands?: Brand[]; mobile?: boolean; platform?: string };
  userAgent?: string;
  maxTouchPoints?: number;
}

/** The global scope, seen structurally so that tests can pass a fake one. */
export interface DetectScope {
  navigator?: NavigatorLike;
  crossOriginIsolated?: boolean;
  document?: unknown;
  importScripts?: unknown;
}

/** A browser that never answers requestAdapter() must not hang start-up. */
const ADAPTER_TIMEOUT_MS = 5000;

export type AdapterOutcome =
  | { adapter: GPUAdapter }
  | { adapter: null; reason: WebGpuUnavailableReason; detail: string };

/**
 * Asks for the high-performance adapter (the discrete GPU on dual-GPU laptops). Calibration uses this
 * too, so that navigator.gpu stays confined to this module.
 */
export async function requestGpuAdapter(scope: DetectScope = globalThis as DetectScope): Promise<AdapterOutcome> {
  const nav = scope.navigator;
  if (!nav) return { adapter: null, reason: 'no-navigator', detail: 'No navigator object: not a browser context.' };
  const gpu = nav.gpu;
  if (!gpu || typeof gpu.requestAdapter !== 'function') {
    return {
      adapter: null,
      reason: 'api-missing',
      detail: 'navigator.gpu is missing: this browser has no WebGPU here, it is switched off, or the page is not a secure context.',
    };
  }
  try {
    const adapter = await withTimeout(gpu.requestAdapter({ powerPreference: 'high-performance' }), ADAPTER_TIMEOUT_MS);
    if (adapter === undefined) {
      return { adapter: null, reason: 'adapter-error', detail: `requestAdapter() did not answer within ${ADAPTER_TIMEOUT_MS} ms.` };
    }
    if (adapter === null) {
      return {
        adapter: null,
        reason: 'no-adapter',
        detail: 'requestAdapter() returned null: the browser offers WebGPU but no adapter (GPU blocklisted, disabled, or absent).',
      };
    }
    return { adapter };
  } catch (error) {
    return { adapter: null, reason: 'adapter-error', detail: `requestAdapter() threw: ${String(error)}` };
  }
}

/** What an engine worker needs of the adapter to choose its device and build. */
export interface AdapterSummary {
  webgpuApi: boolean;
  adapterFound: boolean;
  isFallbackAdapter: boolean;
  features: string[];
}

/** The adapter in a few facts, for the engine workers (which must not touch navigator.gpu themselves). */
export async function summarizeAdapter(scope: DetectScope = globalThis as DetectScope): Promise<AdapterSummary> {
  const outcome = await requestGpuAdapter(scope);
  if (!outcome.adapter) return { webgpuApi: outcome.reason !== 'api-missing' && outcome.reason !== 'no-navigator', adapterFound: false, isFallbackAdapter: false, features: [] };
  const adapter = outcome.adapter;
  // adapter.info.isFallbackAdapter arrived in Chrome 136; older adapters had it on the adapter itself.
  const legacy = adapter as GPUAdapter & { isFallbackAdapter?: boolean };
  return { webgpuApi: true, adapterFound: true, isFallbackAdapter: Boolean(adapter.info?.isFallbackAdapter ?? legacy.isFallbackAdapter), features: [...adapter.features] };
}

export async function detectHardware(scope: DetectScope = globalThis as DetectScope): Promise<HardwareReport> {
  const nav = scope.navigator;
  const missing: string[] = [];
  const webgpu = await detectWebGpu(scope, missing);

  const deviceMemory = nav?.deviceMemory;
  if (typeof deviceMemory !== 'number') missing.push('navigator.deviceMemory');
  const cores = nav?.hardwareConcurrency;
  if (typeof cores !== 'number') missing.push('navigator.hardwareConcurrency');

  return {
    schema: 1,
    collectedAt: new Date().toISOString(),
    context: scope.document !== undefined ? 'window' : typeof scope.importScripts === 'function' ? 'worker' : 'other',
    webgpu,
    deviceMemoryGiB: typeof deviceMemory === 'number' && deviceMemory > 0 ? deviceMemory : null,
    hardwareConcurrency: typeof cores === 'number' && cores > 0 ? cores : null,
    crossOriginIsolated: scope.crossOriginIsolated === true,
    storage: await estimateStorage(nav, missing),
    mobile: detectMobile(nav, missing),
    userAgent: describeUserAgent(nav),
    missing,
  };
}

async function detectWebGpu(scope: DetectScope, missing: string[]): Promise<WebGpuReport> {
  const outcome = await requestGpuAdapter(scope);
  if (outcome.adapter === null) {
    if (outcome.reason === 'api-missing') missing.push('navigator.gpu');
    return { available: false, reason: outcome.reason, detail: outcome.detail };
  }
  const adapter = outcome.adapter;
  // adapter.info arrived in Chrome 127; older adapters only had the now-removed requestAdapterInfo().
  const info: Partial<GPUAdapterInfo> | undefined = adapter.info;
  if (!info) missing.push('GPUAdapter.info');
  const adapterInfo: AdapterInfo = {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
  };
  // isFallbackAdapter moved from the adapter to adapter.info; read both so old and new browsers agree.
  const legacy = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const limits = adapter.limits;
  const gpuLimits: GpuLimits = {
    maxBufferSize: numberOr0(limits?.maxBufferSize),
    maxStorageBufferBindingSize: numberOr0(limits?.maxStorageBufferBindingSize),
    maxStorageBuffersPerShaderStage: numberOr0(limits?.maxStorageBuffersPerShaderStage),
    maxComputeWorkgroupStorageSize: numberOr0(limits?.maxComputeWorkgroupStorageSize),
    maxComputeInvocationsPerWorkgroup: numberOr0(limits?.maxComputeInvocationsPerWorkgroup),
  };
  return {
    available: true,
    adapter: adapterInfo,
    isFallbackAdapter: info?.isFallbackAdapter ?? legacy ?? false,
    features: adapter.features ? [...adapter.features].map(String).sort() : [],
    limits: gpuLimits,
  };
}

async function estimateStorage(nav: NavigatorLike | undefined, missing: string[]): Promise<StorageEstimateReport | null> {
  const estimate = nav?.storage?.estimate;
  if (typeof estimate !== 'function') {
    missing.push('navigator.storage.estimate');
    return null;
  }
  try {
    const result = await estimate.call(nav?.storage);
    return { quotaBytes: result.quota ?? 0, usageBytes: result.usage ?? 0 };
  } catch {
    // Opaque origins and some private modes reject instead of answering.
    missing.push('navigator.storage.estimate (rejected)');
    return null;
  }
}

function detectMobile(nav: NavigatorLike | undefined, missing: string[]): boolean | null {
  const hinted = nav?.userAgentData?.mobile;
  if (typeof hinted === 'boolean') return hinted;
  missing.push('navigator.userAgentData');
  const ua = nav?.userAgent;
  if (typeof ua !== 'string') return null;
  if (/Android|iPhone|iPad|iPod|Mobile|Silk|Kindle/i.test(ua)) return true;
  // iPadOS Safari claims to be a Mac; only the touch points give it away.
  if (/Macintosh/.test(ua) && (nav?.maxTouchPoints ?? 0) > 1) return true;
  return false;
}

const UA_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/Edg(?:e|A|iOS)?\/(\d+)/, 'Microsoft Edge'],
  [/(?:Firefox|FxiOS)\/(\d+)/, 'Firefox'],
  [/(?:Chrome|CriOS)\/(\d+)/, 'Chrome'],
  [/Version\/(\d+)[^ ]* .*Safari\//, 'Safari'],
];

const PLATFORM_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Windows/, 'Windows'],
  [/CrOS/, 'Chrome OS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
];

export function describeUserAgent(nav: NavigatorLike | undefined): UserAgentReport {
  const data = nav?.userAgentData;
  if (data?.brands && data.brands.length > 0) {
    // Client Hints list GREASE brands ("Not:A-Brand") and the engine ("Chromium") beside the product.
    const real = data.brands.filter((b) => !/not.?a.?brand/i.test(b.brand));
    const pick = real.find((b) => b.brand !== 'Chromium') ?? real[0];
    if (pick) return { brand: pick.brand, version: pick.version, platform: data.platform ?? '', source: 'userAgentData' };
  }
  const ua = nav?.userAgent;
  if (typeof ua !== 'string') return { brand: 'unknown', version: '', platform: '', source: 'none' };
  const brand = UA_PATTERNS.map(([re, name]) => [re.exec(ua), name] as const).find(([m]) => m);
  const platform = PLATFORM_PATTERNS.find(([re]) => re.test(ua))?.[1] ?? '';
  return { brand: brand?.[1] ?? 'unknown', version: brand?.[0]?.[1] ?? '', platform, source: 'userAgent' };
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Resolves to undefined when the promise does not settle in time. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
