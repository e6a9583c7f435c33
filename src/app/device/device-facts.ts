/**
 * The device card's words: what the browser reports, the calibration figures, the council, in short
 * labelled rows. Pure, so the wording is tested without a DOM.
 */
import { formatBinaryBytes, formatBytes, formatParams, formatRate } from '../../lib/format.ts';
import { ASSUMED_RAM_GIB_WHEN_UNKNOWN, DEFAULT_CONTENTION_ALPHA, effectiveTps, type BackendCalibration, type Dtype, type HardwareReport, type TierDecision, type TierProfile, type TierReason } from '../../tiers/index.ts';

export interface Fact {
  /** Stable, for data-testid. */
  id: string;
  label: string;
  value: string;
}

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

export function hardwareFacts(report: HardwareReport): Fact[] {
  const facts: Fact[] = [];
  const gpu = report.webgpu;
  if (gpu.available) {
    const { adapter, limits } = gpu;
    facts.push(
      { id: 'adapter-vendor', label: 'Adapter vendor', value: adapter.vendor || '(not reported)' },
      { id: 'adapter-architecture', label: 'Architecture', value: adapter.architecture || '(not reported)' },
      { id: 'adapter-device', label: 'Device', value: adapter.device || '(not reported)' },
      { id: 'adapter-description', label: 'Description', value: adapter.description || '(not reported)' },
      { id: 'fallback', label: 'Fallback (software) adapter', value: yesNo(gpu.isFallbackAdapter) },
      { id: 'shader-f16', label: 'shader-f16', value: yesNo(gpu.features.includes('shader-f16')) },
      { id: 'max-buffer', label: 'Max buffer', value: formatBinaryBytes(limits.maxBufferSize) },
      { id: 'max-storage-binding', label: 'Max storage binding', value: formatBinaryBytes(limits.maxStorageBufferBindingSize) },
      { id: 'storage-buffers', label: 'Storage buffers per stage', value: String(limits.maxStorageBuffersPerShaderStage) },
      { id: 'workgroup-storage', label: 'Workgroup storage', value: `${Math.round(limits.maxComputeWorkgroupStorageSize / 1024)} KiB` },
      { id: 'invocations', label: 'Invocations per workgroup', value: String(limits.maxComputeInvocationsPerWorkgroup) },
      { id: 'features', label: 'Features', value: gpu.features.join(', ') || '(none)' },
    );
  } else {
    facts.push({ id: 'webgpu', label: 'WebGPU', value: `not available: ${gpu.detail}` });
  }
  facts.push(
    {
      id: 'device-memory',
      label: 'RAM (navigator.deviceMemory)',
      value: report.deviceMemoryGiB === null ? `not reported; the budget assumes ${ASSUMED_RAM_GIB_WHEN_UNKNOWN} GB` : `${report.deviceMemoryGiB} GB`,
    },
    { id: 'cores', label: 'Logical cores', value: report.hardwareConcurrency === null ? 'not reported' : String(report.hardwareConcurrency) },
    { id: 'cross-origin-isolated', label: 'Cross-origin isolated (WASM threads)', value: yesNo(report.crossOriginIsolated) },
    {
      id: 'storage',
      label: 'Storage quota',
      value: report.storage ? `${formatBytes(report.storage.usageBytes, report.storage.quotaBytes)} used of ${formatBytes(report.storage.quotaBytes)}` : 'not reported',
    },
    { id: 'mobile', label: 'Mobile', value: report.mobile === null ? 'unknown' : yesNo(report.mobile) },
    {
      id: 'browser',
      label: 'Browser',
      value: [report.userAgent.brand, report.userAgent.version, report.userAgent.platform && `on ${report.userAgent.platform}`].filter(Boolean).join(' '),
    },
  );
  if (report.missing.length > 0) facts.push({ id: 'missing', label: 'Missing APIs', value: report.missing.join(', ') });
  return facts;
}

/** Decisive reasons first (they decided the tier), each group in the rules' own order. */
/**
 * What this browser keeps to itself that the tier and the budget would use, and what the app does
 * instead, in one sentence under the tier; null when it reports everything.
 */
export function unreportedText(report: HardwareReport): string | null {
  const gaps: string[] = [];
  if (report.deviceMemoryGiB === null) gaps.push(`its RAM (the budget assumes ${ASSUMED_RAM_GIB_WHEN_UNKNOWN} GB)`);
  if (report.hardwareConcurrency === null) gaps.push('its core count (one WASM thread is used)');
  if (!report.webgpu.available) gaps.push('a WebGPU adapter (models run on WASM)');
  if (report.storage === null) gaps.push('its storage quota');
  if (gaps.length === 0) return null;
  const list = gaps.length === 1 ? gaps[0]! : `${gaps.slice(0, -1).join(', ')} and ${gaps[gaps.length - 1]!}`;
  return `This browser does not report ${list}.`;
}

export function orderedReasons(decision: TierDecision): TierReason[] {
  return [...decision.reasons.filter((r) => r.decisive), ...decision.reasons.filter((r) => !r.decisive)];
}

export function councilText(profile: TierProfile): string {
  const { council } = profile;
  if (council.mode === 'serial') return `${council.cap} at a time; the others queue`;
  if (council.stretchCap > council.recommended) return `${council.recommended}, up to ${council.stretchCap} when all fit the budget`;
  return `${council.recommended} recommended, at most ${council.cap}`;
}

/** "1.1B at fp32 · 8.6B at q4": the spec's budget ÷ bytes per parameter, an upper bound. */
export function maxModelText(maxParams: Record<Dtype, number>): string {
  return `${formatParams(maxParams.fp32)} parameters at fp32 · ${formatParams(maxParams.q4)} at q4`;
}

export interface CalibrationFigure {
  bandwidthGBps: number | null;
  gflops: number | null;
  text: string;
}

export function calibrationFigure(measurement: BackendCalibration): CalibrationFigure {
  if (measurement.status !== 'measured') {
    return { bandwidthGBps: null, gflops: null, text: `${measurement.status === 'failed' ? 'failed' : 'not measured'}: ${measurement.reason}` };
  }
  const threads = measurement.backend === 'wasm' ? ` (${measurement.method.threads} thread${measurement.method.threads === 1 ? '' : 's'})` : '';
  return {
    bandwidthGBps: measurement.bandwidthGBps,
    gflops: measurement.gflops,
    text: `${formatRate(measurement.bandwidthGBps, 'GB/s')} · ${formatRate(measurement.gflops, 'GFLOP/s')}${threads}`,
  };
}

/**
 * "≈ 52 tok/s combined for 2 members (α 0.40, assumed)": the spec's effective-TPS formula at the
 * tier's per-model target, with the α the scheduler measured once it has one.
 */
export function councilThroughputText(profile: TierProfile, measuredAlpha: number | null): string {
  const members = profile.council.recommended;
  const alpha = measuredAlpha ?? DEFAULT_CONTENTION_ALPHA;
  const combined = effectiveTps(profile.targets.decodeTps.perModel, members, alpha);
  const source = measuredAlpha === null ? 'assumed, the specification’s 0.3–0.5' : 'measured by the scheduler';
  return `≈ ${Math.round(combined)} tok/s combined for ${members} member${members === 1 ? '' : 's'} at the tier’s ${profile.targets.decodeTps.perModel} tok/s each (α ${alpha.toFixed(2)}, ${source})`;
}
