// What kind of GPU an adapter is, from the little the browser reveals (vendor and architecture names
// come from Dawn in Chromium; Safari and Firefox often leave them blank).

import type { AdapterInfo, HardwareReport, WebGpuReport } from './report';

/**
 * none: no WebGPU adapter. software: a CPU rasteriser posing as a GPU (SwiftShader, llvmpipe, WARP).
 * discrete: its own VRAM. integrated: shares the system RAM and its bandwidth. apple: Apple silicon's
 * unified memory, shared but wide. unknown: cannot tell (AMD makes both APUs and cards).
 */
export type GpuClass = 'none' | 'software' | 'discrete' | 'integrated' | 'apple' | 'unknown';

/** Dawn's architecture names for renderers that run on the CPU. */
const SOFTWARE_ARCHITECTURES = new Set(['swiftshader', 'software', 'warp']);
/** The same renderers as they appear in vendor/device/description strings. */
const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|softpipe|basic render/i;
/** SoC GPU vendors: always integrated with the CPU's memory. */
const SOC_VENDORS = new Set(['qualcomm', 'arm', 'imagination', 'img-tec', 'samsung', 'mediatek', 'broadcom']);

export function gpuClass(webgpu: WebGpuReport): GpuClass {
  if (!webgpu.available) return 'none';
  const { adapter } = webgpu;
  const vendor = adapter.vendor.toLowerCase();
  const arch = adapter.architecture.toLowerCase();
  const names = `${adapter.vendor} ${adapter.device} ${adapter.description}`;
  if (webgpu.isFallbackAdapter || SOFTWARE_ARCHITECTURES.has(arch) || SOFTWARE_NAMES.test(names)) return 'software';
  if (vendor === 'nvidia') return 'discrete';
  if (vendor === 'apple') return 'apple';
  // Dawn calls Intel's integrated parts gen-9 … gen-12lp, xe-lpg, xe-2lpg (LP = low power) and its
  // discrete Arc cards gen-12hp, xe-2hpg: "hp" in the architecture is the discrete mark.
  if (vendor === 'intel') return arch.includes('hp') ? 'discrete' : 'integrated';
  if (SOC_VENDORS.has(vendor)) return 'integrated';
  return 'unknown';
}

/** A WebGPU adapter that is real hardware: the only kind worth running models on. */
export function hasHardwareGpu(report: HardwareReport): boolean {
  const cls = gpuClass(report.webgpu);
  return cls !== 'none' && cls !== 'software';
}

/** "NVIDIA lovelace", "Intel gen-12lp", or "unnamed GPU" when the browser withholds the names. */
export function describeAdapter(adapter: AdapterInfo): string {
  const vendorNames: Record<string, string> = { nvidia: 'NVIDIA', amd: 'AMD', intel: 'Intel', apple: 'Apple', qualcomm: 'Qualcomm', arm: 'Arm', google: 'Google' };
  const vendor = vendorNames[adapter.vendor.toLowerCase()] ?? adapter.vendor;
  const text = adapter.description || [vendor, adapter.architecture].filter(Boolean).join(' ');
  return text || 'unnamed GPU';
}
