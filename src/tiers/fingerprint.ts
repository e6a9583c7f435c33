// A stable key for "the same hardware in the same browser": the calibration cache is keyed by it.
// It covers what decides measured speed (adapter, limits, features, memory, cores, whether threads are
// allowed, browser engine) and leaves out what changes between visits (time, storage usage, quota,
// browser version, page vs worker).

import type { HardwareReport } from './report';

export function hardwareIdentity(report: HardwareReport): Record<string, unknown> {
  const gpu = report.webgpu;
  return {
    webgpu: gpu.available
      ? {
          vendor: gpu.adapter.vendor,
          architecture: gpu.adapter.architecture,
          device: gpu.adapter.device,
          description: gpu.adapter.description,
          fallback: gpu.isFallbackAdapter,
          features: [...gpu.features].sort(),
          limits: gpu.limits,
        }
      : { unavailable: gpu.reason },
    deviceMemoryGiB: report.deviceMemoryGiB,
    hardwareConcurrency: report.hardwareConcurrency,
    // Threads need cross-origin isolation, and the WASM figures change with the thread count.
    crossOriginIsolated: report.crossOriginIsolated,
    mobile: report.mobile,
    brand: report.userAgent.brand,
    platform: report.userAgent.platform,
  };
}

/** "hw1-" + 16 hex digits of FNV-1a 64 over the canonical JSON of hardwareIdentity(report). */
export function fingerprint(report: HardwareReport): string {
  return `hw1-${fnv1a64(canonicalJson(hardwareIdentity(report)))}`;
}

/** JSON with object keys sorted at every level, so property order never changes the key. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = (1n << 64n) - 1n;

/** Not cryptographic: a cache key only has to be stable and collision-poor, and must stay synchronous. */
function fnv1a64(text: string): string {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MASK_64;
  }
  return hash.toString(16).padStart(16, '0');
}
