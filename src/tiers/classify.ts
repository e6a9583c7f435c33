// Hardware report (+ calibration) → tier, with the reasons. Every rule states the highest tier the
// fact it checks allows (its ceiling); the tier is the lowest ceiling. High is never guessed from names:
// browsers hide VRAM and bucket their limits, so High needs a measured bandwidth. docs/tiers.md explains
// every threshold.

import { bandwidthNeededGBps } from './capacity';
import { fingerprint } from './fingerprint';
import { GiB, formatBinaryBytes, formatRate } from '../lib/format.ts';
import { describeAdapter, gpuClass } from './gpu-class';
import { TIER_PROFILES } from './profiles';
import { TIERS } from './report';
import type { Calibration, HardwareReport, Tier, TierDecision, TierReason } from './report';

/**
 * Bytes a reference council model reads per decoded token: about a 0.5B-parameter model at 4 bits
 * (Qwen2.5-0.5B q4f16_1 class) with its KV-cache reads, the size a council member has on Mid/High.
 */
export const REFERENCE_BYTES_PER_TOKEN = 0.35e9;
/**
 * Share of the streamed bandwidth that real decode reaches: measured here at 55–85 % (docs/spec.md, Hardware tiers), so
 * the low end, to promise only what most runtimes deliver.
 */
export const DECODE_EFFICIENCY = 0.6;

export const THRESHOLDS = {
  /** navigator.deviceMemory below 4 means at most ~3 GB of RAM: room for one small model only. */
  midMinDeviceMemoryGiB: 4,
  /** A council of 4–6 needs 8 GB of RAM at least, for the GPU's share or for staging weights. */
  highMinDeviceMemoryGiB: 8,
  /** web-llm asks for 1 GiB storage bindings and falls back to its few low-resource builds below. */
  midMinStorageBindingBytes: 1 * GiB,
  /** Chrome buckets maxBufferSize as 256 MiB, 1, 2, 4 GiB−4: 1 GiB or less marks small/mobile GPUs. */
  highMinBufferBytes: 2 * GiB - 4,
  /** Bandwidth to decode Mid's 80 tok/s per model on the reference model: ≈ 47 GB/s. */
  midMinBandwidthGBps: bandwidthNeededGBps(TIER_PROFILES.mid.targets.decodeTps.perModel, REFERENCE_BYTES_PER_TOKEN, DECODE_EFFICIENCY),
  /** Bandwidth to decode High's 200 tok/s combined on the reference model: ≈ 117 GB/s. */
  highMinBandwidthGBps: bandwidthNeededGBps(TIER_PROFILES.high.targets.decodeTps.combined, REFERENCE_BYTES_PER_TOKEN, DECODE_EFFICIENCY),
} as const;

type Rule = Omit<TierReason, 'decisive'>;

export function classifyTier(report: HardwareReport, calibration: Calibration | undefined, override?: Tier | null): TierDecision {
  const rules = evaluateRules(report, calibration);
  const detected = rules.reduce<Tier>((tier, rule) => lowerOf(tier, rule.ceiling), 'high');
  const reasons = rules.map((rule) => ({ ...rule, decisive: rule.ceiling === detected }));
  const overridden = override !== undefined && override !== null;
  return { tier: overridden ? override : detected, detected, overridden, reasons };
}

function evaluateRules(report: HardwareReport, calibration: Calibration | undefined): Rule[] {
  const gpu = report.webgpu;
  if (!gpu.available) return [noWebGpuRule(gpu.reason, gpu.detail)];

  const cls = gpuClass(gpu);
  const name = describeAdapter(gpu.adapter);
  if (cls === 'software') {
    return [
      {
        rule: 'software-adapter',
        ceiling: 'low',
        text: `The only WebGPU adapter is a software renderer (${name}) that runs on the CPU, slower than WebAssembly, so models run on the CPU: Low tier.`,
        short: 'software WebGPU adapter',
      },
    ];
  }

  const rules: Rule[] = [{ rule: 'hardware-gpu', ceiling: 'high', text: `A hardware GPU is available (${name}).`, short: name }];

  if (report.mobile === true) {
    rules.push({
      rule: 'mobile',
      ceiling: 'low',
      text: 'This is a phone or tablet: it shares a few GB with the system, which closes memory-hungry tabs, and it slows down when warm, so one model at a time.',
      short: 'mobile device',
    });
  }

  const ram = report.deviceMemoryGiB;
  if (ram !== null && ram < THRESHOLDS.midMinDeviceMemoryGiB) {
    rules.push({
      rule: 'ram-below-mid',
      ceiling: 'low',
      text: `The browser reports ${ram} GB of RAM; Mid needs at least ${THRESHOLDS.midMinDeviceMemoryGiB} GB.`,
      short: `${ram} GB RAM`,
    });
  } else if (ram !== null && ram < THRESHOLDS.highMinDeviceMemoryGiB) {
    rules.push({
      rule: 'ram-below-high',
      ceiling: 'mid',
      text: `The browser reports ${ram} GB of RAM; High needs at least ${THRESHOLDS.highMinDeviceMemoryGiB} GB.`,
      short: `${ram} GB RAM`,
    });
  }

  const { maxStorageBufferBindingSize, maxBufferSize } = gpu.limits;
  if (maxStorageBufferBindingSize < THRESHOLDS.midMinStorageBindingBytes) {
    rules.push({
      rule: 'small-storage-binding',
      ceiling: 'low',
      text: `The GPU binds at most ${formatBinaryBytes(maxStorageBufferBindingSize)} per buffer; standard web-llm models need ${formatBinaryBytes(THRESHOLDS.midMinStorageBindingBytes)}, so only its small low-resource builds run.`,
      short: 'small GPU buffer bindings',
    });
  }
  if (maxBufferSize < THRESHOLDS.highMinBufferBytes) {
    rules.push({
      rule: 'small-max-buffer',
      ceiling: 'mid',
      text: `The GPU caps one buffer at ${formatBinaryBytes(maxBufferSize)}; High needs ${formatBinaryBytes(2 * GiB)} for the weights of larger models.`,
      short: `${formatBinaryBytes(maxBufferSize)} GPU buffers`,
    });
  }

  if (!gpu.features.includes('shader-f16')) {
    rules.push({
      rule: 'no-shader-f16',
      ceiling: 'mid',
      text: 'The GPU has no 16-bit float shaders (shader-f16), so web-llm must use its slower q4f32 builds: at most Mid.',
      short: 'no shader-f16',
    });
  }

  if (cls === 'integrated') {
    rules.push({
      rule: 'integrated-gpu',
      ceiling: 'mid',
      text: `${name} is an integrated GPU: it shares the system's memory and its bandwidth, so at most Mid.`,
      short: 'integrated GPU',
    });
  }

  rules.push(...bandwidthRules(report, calibration));
  return rules;
}

function noWebGpuRule(reason: string, detail: string): Rule {
  const tail = 'so models run on the CPU through WebAssembly, one at a time: Low tier.';
  switch (reason) {
    case 'no-adapter':
      return {
        rule: 'no-webgpu',
        ceiling: 'low',
        text: `WebGPU is present but the browser granted no GPU adapter (the GPU may be blocklisted or switched off), ${tail}`,
        short: 'no WebGPU adapter',
      };
    case 'adapter-error':
      return { rule: 'no-webgpu', ceiling: 'low', text: `Asking for a GPU adapter failed (${detail}), ${tail}`, short: 'WebGPU adapter failed' };
    case 'no-navigator':
      return { rule: 'no-webgpu', ceiling: 'low', text: `This is not a browser page, so there is no GPU to use; ${tail}`, short: 'no browser GPU' };
    default:
      return { rule: 'no-webgpu', ceiling: 'low', text: `This browser offers no WebGPU here, ${tail}`, short: 'no WebGPU' };
  }
}

function bandwidthRules(report: HardwareReport, calibration: Calibration | undefined): Rule[] {
  const rules: Rule[] = [];
  let usable = calibration;
  if (calibration && calibration.fingerprint !== fingerprint(report)) {
    usable = undefined;
    rules.push({
      rule: 'calibration-mismatch',
      ceiling: 'high',
      text: 'The stored calibration was measured on different hardware or settings, so it is ignored.',
      short: 'calibration ignored',
    });
  }
  const gpu = usable?.webgpu;
  if (!gpu || gpu.status !== 'measured') {
    const why = gpu ? `GPU calibration ${gpu.status === 'failed' ? 'failed' : 'was not possible'} (${gpu.reason})` : 'this GPU has not been calibrated yet';
    rules.push({
      rule: 'not-measured',
      ceiling: 'mid',
      text: `High is granted only on measured memory bandwidth, and ${why}.`,
      short: 'not calibrated',
    });
    return rules;
  }

  const bw = gpu.bandwidthGBps;
  const measured = `Measured GPU memory bandwidth is ${formatRate(bw, 'GB/s')}`;
  const mid = formatRate(THRESHOLDS.midMinBandwidthGBps, 'GB/s');
  const high = formatRate(THRESHOLDS.highMinBandwidthGBps, 'GB/s');
  const midTps = TIER_PROFILES.mid.targets.decodeTps.perModel;
  const highTps = TIER_PROFILES.high.targets.decodeTps.combined;
  if (bw < THRESHOLDS.midMinBandwidthGBps) {
    rules.push({
      rule: 'bandwidth-below-mid',
      ceiling: 'low',
      text: `${measured}; Mid needs about ${mid} to decode ${midTps} tok/s per model.`,
      short: `slow GPU memory (${formatRate(bw, 'GB/s')})`,
    });
  } else if (bw < THRESHOLDS.highMinBandwidthGBps) {
    rules.push({
      rule: 'bandwidth-below-high',
      ceiling: 'mid',
      text: `${measured}: enough for Mid, but High needs about ${high} to decode ${highTps} tok/s combined.`,
      short: `${formatRate(bw, 'GB/s')} GPU memory`,
    });
  } else {
    rules.push({
      rule: 'bandwidth-high',
      ceiling: 'high',
      text: `${measured}, above the ${high} High needs to decode ${highTps} tok/s combined.`,
      short: `${formatRate(bw, 'GB/s')} GPU memory`,
    });
  }
  return rules;
}

function lowerOf(a: Tier, b: Tier): Tier {
  return TIERS.indexOf(a) <= TIERS.indexOf(b) ? a : b;
}
