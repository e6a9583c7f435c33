import { describe, expect, it } from 'vitest';
import { DECODE_EFFICIENCY, REFERENCE_BYTES_PER_TOKEN, THRESHOLDS, classifyTier } from './classify';
import {
  androidPhoneReport,
  appleMSeriesReport,
  calibrationFor,
  chromiumNoAdapterReport,
  intelIntegratedReport,
  noWebGpuReport,
  nvidiaDesktopReport,
  swiftShaderReport,
} from './fixtures';
import { tierNotice } from './notice';
import type { Calibration, HardwareReport, Tier } from './report';

type AvailableGpu = Extract<HardwareReport['webgpu'], { available: true }>;

function gpuOf(report: HardwareReport): AvailableGpu {
  if (!report.webgpu.available) throw new Error('fixture without WebGPU');
  return report.webgpu;
}

function withGpu(report: HardwareReport, patch: Partial<AvailableGpu>): HardwareReport {
  return { ...report, webgpu: { ...gpuOf(report), ...patch } };
}

const apple8GB: HardwareReport = { ...appleMSeriesReport, deviceMemoryGiB: 8 };
const nvidiaNoF16 = withGpu(nvidiaDesktopReport, { features: gpuOf(nvidiaDesktopReport).features.filter((f) => f !== 'shader-f16') });
const nvidia2GB: HardwareReport = { ...nvidiaDesktopReport, deviceMemoryGiB: 2 };
const nvidia4GB: HardwareReport = { ...nvidiaDesktopReport, deviceMemoryGiB: 4 };
const swiftShaderNotFlagged = withGpu(swiftShaderReport, { isFallbackAdapter: false });
const llvmpipeNotFlagged = withGpu(nvidiaDesktopReport, {
  adapter: { vendor: 'mesa', architecture: '', device: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' },
});

interface Row {
  name: string;
  report: HardwareReport;
  calibration?: Calibration;
  tier: Tier;
  rules: string[];
  decisive: string[];
}

const ROWS: Row[] = [
  { name: 'this machine: SwiftShader fallback adapter', report: swiftShaderReport, tier: 'low', rules: ['software-adapter'], decisive: ['software-adapter'] },
  {
    name: 'SwiftShader, even calibrated',
    report: swiftShaderReport,
    calibration: calibrationFor(swiftShaderReport, { gpuGBps: 5, cpuGBps: 20, cpuGflops: 40 }),
    tier: 'low',
    rules: ['software-adapter'],
    decisive: ['software-adapter'],
  },
  { name: 'SwiftShader named but not flagged fallback', report: swiftShaderNotFlagged, tier: 'low', rules: ['software-adapter'], decisive: ['software-adapter'] },
  { name: 'llvmpipe named in the description', report: llvmpipeNotFlagged, tier: 'low', rules: ['software-adapter'], decisive: ['software-adapter'] },
  { name: 'no WebGPU (Firefox)', report: noWebGpuReport, tier: 'low', rules: ['no-webgpu'], decisive: ['no-webgpu'] },
  { name: 'WebGPU without adapter (Chromium without the flag)', report: chromiumNoAdapterReport, tier: 'low', rules: ['no-webgpu'], decisive: ['no-webgpu'] },
  {
    name: 'Apple M-series, not calibrated',
    report: appleMSeriesReport,
    tier: 'mid',
    rules: ['hardware-gpu', 'not-measured'],
    decisive: ['not-measured'],
  },
  {
    name: 'Apple M-series Pro, measured 170 GB/s',
    report: appleMSeriesReport,
    calibration: calibrationFor(appleMSeriesReport, { gpuGBps: 170, gpuGflops: 4500, cpuGBps: 60, cpuGflops: 150 }),
    tier: 'high',
    rules: ['hardware-gpu', 'bandwidth-high'],
    decisive: ['hardware-gpu', 'bandwidth-high'],
  },
  {
    name: 'Apple M-series base, 8 GB, measured 60 GB/s',
    report: apple8GB,
    calibration: calibrationFor(apple8GB, { gpuGBps: 60, cpuGBps: 50, cpuGflops: 120 }),
    tier: 'mid',
    rules: ['hardware-gpu', 'bandwidth-below-high'],
    decisive: ['bandwidth-below-high'],
  },
  {
    name: 'NVIDIA desktop, not calibrated',
    report: nvidiaDesktopReport,
    tier: 'mid',
    rules: ['hardware-gpu', 'not-measured'],
    decisive: ['not-measured'],
  },
  {
    name: 'NVIDIA desktop, measured 800 GB/s',
    report: nvidiaDesktopReport,
    calibration: calibrationFor(nvidiaDesktopReport, { gpuGBps: 800, gpuGflops: 40000, cpuGBps: 40, cpuGflops: 300 }),
    tier: 'high',
    rules: ['hardware-gpu', 'bandwidth-high'],
    decisive: ['hardware-gpu', 'bandwidth-high'],
  },
  {
    name: 'NVIDIA desktop with a calibration from other hardware',
    report: nvidiaDesktopReport,
    calibration: calibrationFor(appleMSeriesReport, { gpuGBps: 800, cpuGBps: 40, cpuGflops: 300 }),
    tier: 'mid',
    rules: ['hardware-gpu', 'calibration-mismatch', 'not-measured'],
    decisive: ['not-measured'],
  },
  {
    name: 'NVIDIA without shader-f16, measured 800 GB/s',
    report: nvidiaNoF16,
    calibration: calibrationFor(nvidiaNoF16, { gpuGBps: 800, cpuGBps: 40, cpuGflops: 300 }),
    tier: 'mid',
    rules: ['hardware-gpu', 'no-shader-f16', 'bandwidth-high'],
    decisive: ['no-shader-f16'],
  },
  {
    name: 'NVIDIA with 4 GB of RAM reported',
    report: nvidia4GB,
    calibration: calibrationFor(nvidia4GB, { gpuGBps: 800, cpuGBps: 40, cpuGflops: 300 }),
    tier: 'mid',
    rules: ['hardware-gpu', 'ram-below-high', 'bandwidth-high'],
    decisive: ['ram-below-high'],
  },
  {
    name: 'NVIDIA with 2 GB of RAM reported',
    report: nvidia2GB,
    tier: 'low',
    rules: ['hardware-gpu', 'ram-below-mid', 'not-measured'],
    decisive: ['ram-below-mid'],
  },
  {
    name: 'Intel integrated, not calibrated',
    report: intelIntegratedReport,
    tier: 'mid',
    rules: ['hardware-gpu', 'integrated-gpu', 'not-measured'],
    decisive: ['integrated-gpu', 'not-measured'],
  },
  {
    name: 'Intel integrated, measured 38 GB/s',
    report: intelIntegratedReport,
    calibration: calibrationFor(intelIntegratedReport, { gpuGBps: 38, cpuGBps: 30, cpuGflops: 100 }),
    tier: 'low',
    rules: ['hardware-gpu', 'integrated-gpu', 'bandwidth-below-mid'],
    decisive: ['bandwidth-below-mid'],
  },
  {
    name: 'Android phone',
    report: androidPhoneReport,
    tier: 'low',
    rules: ['hardware-gpu', 'mobile', 'small-storage-binding', 'small-max-buffer', 'integrated-gpu', 'not-measured'],
    decisive: ['mobile', 'small-storage-binding'],
  },
];

describe('classifyTier', () => {
  it.each(ROWS)('$name → $tier', (row) => {
    const decision = classifyTier(row.report, row.calibration);
    expect(decision.tier).toBe(row.tier);
    expect(decision.detected).toBe(row.tier);
    expect(decision.overridden).toBe(false);
    expect(decision.reasons.map((r) => r.rule)).toEqual(row.rules);
    expect(decision.reasons.filter((r) => r.decisive).map((r) => r.rule)).toEqual(row.decisive);
    for (const reason of decision.reasons) {
      expect(reason.text.length).toBeGreaterThan(20);
      expect(reason.short.length).toBeGreaterThan(0);
    }
  });

  it('puts the numbers that decided into the words', () => {
    const intel = classifyTier(intelIntegratedReport, calibrationFor(intelIntegratedReport, { gpuGBps: 38, cpuGBps: 30, cpuGflops: 100 }));
    expect(intel.reasons.find((r) => r.rule === 'bandwidth-below-mid')?.text).toBe(
      'Measured GPU memory bandwidth is 38 GB/s; Mid needs about 47 GB/s to decode 80 tok/s per model.',
    );
    const phone = classifyTier(androidPhoneReport, undefined);
    expect(phone.reasons.find((r) => r.rule === 'small-storage-binding')?.text).toContain('at most 512 MiB per buffer; standard web-llm models need 1 GiB');
    const swift = classifyTier(swiftShaderReport, undefined);
    expect(swift.reasons[0]?.text).toContain('software renderer (Google swiftshader)');
  });

  it('keeps the detected tier and the reasons under an override', () => {
    const decision = classifyTier(swiftShaderReport, undefined, 'high');
    expect(decision).toMatchObject({ tier: 'high', detected: 'low', overridden: true });
    expect(decision.reasons.map((r) => r.rule)).toEqual(['software-adapter']);
    expect(classifyTier(swiftShaderReport, undefined, null).overridden).toBe(false);
  });

  it('derives the bandwidth thresholds from the tier targets', () => {
    expect(THRESHOLDS.midMinBandwidthGBps).toBeCloseTo((80 * REFERENCE_BYTES_PER_TOKEN) / DECODE_EFFICIENCY / 1e9, 9);
    expect(THRESHOLDS.midMinBandwidthGBps).toBeCloseTo(46.67, 2);
    expect(THRESHOLDS.highMinBandwidthGBps).toBeCloseTo(116.67, 2);
  });
});

describe('tierNotice', () => {
  it.each([
    [swiftShaderReport, undefined, 'Low tier: software WebGPU adapter, council of 1, others queue, 30 FPS cap'],
    [noWebGpuReport, undefined, 'Low tier: no WebGPU, council of 1, others queue, 30 FPS cap'],
    [intelIntegratedReport, undefined, 'Mid tier: integrated GPU, not calibrated, council of 2 (up to 3 if small models fit), 60 FPS'],
    [
      nvidiaDesktopReport,
      calibrationFor(nvidiaDesktopReport, { gpuGBps: 800, cpuGBps: 40, cpuGflops: 300 }),
      'High tier: NVIDIA lovelace, 800 GB/s GPU memory, council of 4 (up to 6), 60 FPS',
    ],
  ] as const)('%#', (report, calibration, notice) => {
    expect(tierNotice(classifyTier(report, calibration))).toBe(notice);
  });

  it('says when the tier is the user’s choice', () => {
    expect(tierNotice(classifyTier(swiftShaderReport, undefined, 'mid'))).toBe(
      'Mid tier (your choice; detected Low: software WebGPU adapter), council of 2 (up to 3 if small models fit), 60 FPS',
    );
  });
});
