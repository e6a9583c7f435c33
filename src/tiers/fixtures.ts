// Hardware reports and calibrations as plain data, for the table-driven tests and for the UI's
// development views. The SwiftShader report is this project's CI machine as Chromium 156 reported it
// (headless, --enable-unsafe-webgpu); the others are typical of their class with Chrome's bucketed
// limits (maxBufferSize 256 MiB / 1 / 2 / 4 GiB−4), not captures of one particular device.

import { fingerprint } from './fingerprint';
import type { BackendCalibration, Calibration, GpuLimits, HardwareReport, MeasurementMethod } from './report';

const GIB = 1024 ** 3;

const DESKTOP_LIMITS: GpuLimits = {
  maxBufferSize: 4 * GIB - 4,
  maxStorageBufferBindingSize: 4 * GIB - 4,
  maxStorageBuffersPerShaderStage: 10,
  maxComputeWorkgroupStorageSize: 32768,
  maxComputeInvocationsPerWorkgroup: 1024,
};

const DESKTOP_FEATURES = [
  'depth-clip-control',
  'float32-filterable',
  'indirect-first-instance',
  'shader-f16',
  'subgroups',
  'timestamp-query',
];

export const swiftShaderReport: HardwareReport = {
  schema: 1,
  collectedAt: '2025-11-23T19:30:00.000Z',
  context: 'window',
  webgpu: {
    available: true,
    adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: '' },
    isFallbackAdapter: true,
    features: [
      'bgra8unorm-storage',
      'chromium-experimental-sampling-resource-table',
      'chromium-experimental-timestamp-query-inside-passes',
      'clip-distances',
      'core-features-and-limits',
      'depth-clip-control',
      'depth32float-stencil8',
      'float32-blendable',
      'float32-filterable',
      'indirect-first-instance',
      'rg11b10ufloat-renderable',
      'subgroup-size-control',
      'subgroups',
      'texture-component-swizzle',
      'texture-compression-astc',
      'texture-compression-astc-sliced-3d',
      'texture-compression-bc',
      'texture-compression-bc-sliced-3d',
      'texture-compression-etc2',
      'texture-compression-unaligned',
      'timestamp-query',
    ],
    limits: {
      maxBufferSize: 1 * GIB,
      maxStorageBufferBindingSize: 1 * GIB,
      maxStorageBuffersPerShaderStage: 10,
      maxComputeWorkgroupStorageSize: 32768,
      maxComputeInvocationsPerWorkgroup: 256,
    },
  },
  deviceMemoryGiB: 16,
  hardwareConcurrency: 2,
  crossOriginIsolated: true,
  storage: { quotaBytes: 10737418240, usageBytes: 0 },
  mobile: false,
  userAgent: { brand: 'Chromium', version: '156', platform: 'Linux', source: 'userAgentData' },
  missing: [],
};

/** The same machine without --enable-unsafe-webgpu: navigator.gpu exists, requestAdapter() gives null. */
export const chromiumNoAdapterReport: HardwareReport = {
  ...swiftShaderReport,
  webgpu: {
    available: false,
    reason: 'no-adapter',
    detail: 'requestAdapter() returned null: the browser offers WebGPU but no adapter (GPU blocklisted, disabled, or absent).',
  },
};

/** A browser without WebGPU and without Client Hints or deviceMemory (Firefox on Linux). */
export const noWebGpuReport: HardwareReport = {
  schema: 1,
  collectedAt: '2025-11-23T19:30:00.000Z',
  context: 'window',
  webgpu: {
    available: false,
    reason: 'api-missing',
    detail: 'navigator.gpu is missing: this browser has no WebGPU here, it is switched off, or the page is not a secure context.',
  },
  deviceMemoryGiB: null,
  hardwareConcurrency: 8,
  crossOriginIsolated: false,
  storage: { quotaBytes: 50e9, usageBytes: 1e6 },
  mobile: false,
  userAgent: { brand: 'Firefox', version: '140', platform: 'Linux', source: 'userAgent' },
  missing: ['navigator.gpu', 'navigator.deviceMemory', 'navigator.userAgentData'],
};

/** Apple M-series laptop (an M1 Pro with 16 GB) in Chrome on macOS. */
export const appleMSeriesReport: HardwareReport = {
  schema: 1,
  collectedAt: '2025-11-23T19:30:00.000Z',
  context: 'window',
  webgpu: {
    available: true,
    adapter: { vendor: 'apple', architecture: 'metal-3', device: '', description: '' },
    isFallbackAdapter: false,
    features: [...DESKTOP_FEATURES, 'texture-compression-astc', 'texture-compression-etc2'].sort(),
    limits: DESKTOP_LIMITS,
  },
  deviceMemoryGiB: 16,
  hardwareConcurrency: 10,
  crossOriginIsolated: true,
  storage: { quotaBytes: 200e9, usageBytes: 5e6 },
  mobile: false,
  userAgent: { brand: 'Google Chrome', version: '142', platform: 'macOS', source: 'userAgentData' },
  missing: [],
};

/** Discrete NVIDIA desktop card (an RTX 40-series) in Chrome on Windows. */
export const nvidiaDesktopReport: HardwareReport = {
  schema: 1,
  collectedAt: '2025-11-23T19:30:00.000Z',
  context: 'window',
  webgpu: {
    available: true,
    adapter: { vendor: 'nvidia', architecture: 'lovelace', device: '', description: '' },
    isFallbackAdapter: false,
    features: [...DESKTOP_FEATURES, 'texture-compression-bc'].sort(),
    limits: DESKTOP_LIMITS,
  },
  deviceMemoryGiB: 32,
  hardwareConcurrency: 16,
  crossOriginIsolated: true,
  storage: { quotaBytes: 500e9, usageBytes: 5e6 },
  mobile: false,
  userAgent: { brand: 'Google Chrome', version: '142', platform: 'Windows', source: 'userAgentData' },
  missing: [],
};

/** Intel Iris Xe (integrated) laptop in Edge on Windows. */
export const intelIntegratedReport: HardwareReport = {
  schema: 1,
  collectedAt: '2025-11-23T19:30:00.000Z',
  context: 'window',
  webgpu: {
    available: true,
    adapter: { vendor: 'intel', architecture: 'gen-12lp', device: '', description: '' },
    isFallbackAdapter: false,
    features: [...DESKTOP_FEATURES, 'texture-compression-bc'].sort(),
    limits: { ...DESKTOP_LIMITS, maxStorageBufferBindingSize: 2 * GIB - 4 },
  },
  deviceMemoryGiB: 16,
  hardwareConcurrency: 8,
  crossOriginIsolated: true,
  storage: { quotaBytes: 100e9, usageBytes: 5e6 },
  mobile: false,
  userAgent: { brand: 'Microsoft Edge', version: '142', platform: 'Windows', source: 'userAgentData' },
  missing: [],
};

/** Android phone with a Qualcomm Adreno GPU in Chrome: small buffer limits, 8 GB shared with the system. */
export const androidPhoneReport: HardwareReport = {
  schema: 1,
  collectedAt: '2025-11-23T19:30:00.000Z',
  context: 'window',
  webgpu: {
    available: true,
    adapter: { vendor: 'qualcomm', architecture: 'adreno-7xx', device: '', description: '' },
    isFallbackAdapter: false,
    features: ['depth-clip-control', 'shader-f16', 'texture-compression-astc', 'texture-compression-etc2'],
    limits: {
      maxBufferSize: 1 * GIB,
      maxStorageBufferBindingSize: 512 * 1024 ** 2,
      maxStorageBuffersPerShaderStage: 8,
      maxComputeWorkgroupStorageSize: 32768,
      maxComputeInvocationsPerWorkgroup: 256,
    },
  },
  deviceMemoryGiB: 8,
  hardwareConcurrency: 8,
  crossOriginIsolated: true,
  storage: { quotaBytes: 20e9, usageBytes: 1e6 },
  mobile: true,
  userAgent: { brand: 'Google Chrome', version: '142', platform: 'Android', source: 'userAgentData' },
  missing: [],
};

/** A calibration of `report` with the given GPU and CPU figures (fingerprint included, so it matches). */
export function calibrationFor(report: HardwareReport, figures: { gpuGBps?: number; gpuGflops?: number; cpuGBps: number; cpuGflops: number }): Calibration {
  const method = (threads: number, gbps: number, gflops: number): MeasurementMethod => ({
    bandwidthKernel: 'fixture',
    flopsKernel: 'fixture',
    threads,
    bufferBytes: 128 * 1024 ** 2,
    samples: 5,
    statistic: 'best',
    medianBandwidthGBps: gbps,
    medianGflops: gflops,
  });
  const gpuGflops = figures.gpuGflops ?? 0;
  const webgpu: BackendCalibration =
    figures.gpuGBps === undefined
      ? { status: 'unavailable', backend: 'webgpu', reason: 'no WebGPU adapter' }
      : { status: 'measured', backend: 'webgpu', bandwidthGBps: figures.gpuGBps, gflops: gpuGflops, method: method(262144, figures.gpuGBps, gpuGflops) };
  return {
    schema: 1,
    fingerprint: fingerprint(report),
    measuredAt: '2025-11-23T19:31:00.000Z',
    durationMs: 2500,
    wasm: {
      status: 'measured',
      backend: 'wasm',
      bandwidthGBps: figures.cpuGBps,
      gflops: figures.cpuGflops,
      method: method(2, figures.cpuGBps, figures.cpuGflops),
    },
    webgpu,
  };
}
