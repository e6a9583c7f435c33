/**
 * The device card's line for the selected model: the decode rate measured here as a share of the
 * bandwidth ceiling (calibrated bandwidth ÷ bytes of weights read per token). A share near 100 % means
 * the memory system is the limit; a small one, that something else is (small models spend their time
 * in per-token overhead, not in reading weights). Pure.
 */
import { formatBytes, formatTps } from '../lib/format.ts';
import { decodeCeilingTps } from '../tiers/index.ts';
import { modelBuilds, type ManifestModel } from './manifest.ts';

export interface DecodeShareInput {
  modelId: string;
  device: 'wasm' | 'webgpu';
  /** The calibrated memory bandwidth of that device; null where it was not measured. */
  bandwidthGBps: number | null;
  /** Bytes of the build's weights, each read once per token; null where unknown (a hub model). */
  weightBytes: number | null;
  /** Median decode rate of this build's comparable runs here, and how many there were. */
  medianTps: number;
  runs: number;
}

export type DecodeShare =
  | { status: 'measured'; ceilingTps: number; share: number; sentence: string }
  | { status: 'no-ceiling' | 'not-measured'; sentence: string };

const DEVICE_WORDS = { wasm: 'WASM', webgpu: 'WebGPU' } as const;

/** A share of a few hundredths of a percent still shows as a figure, not as 0 %. */
function percentText(share: number): string {
  const percent = share * 100;
  return `${percent >= 10 ? Math.round(percent) : percent >= 0.1 ? percent.toFixed(1) : percent.toPrecision(1)} %`;
}

export function decodeShare(input: DecodeShareInput): DecodeShare {
  const where = `${input.modelId} on ${DEVICE_WORDS[input.device]}`;
  if (input.bandwidthGBps === null || !(input.bandwidthGBps > 0)) {
    return { status: 'no-ceiling', sentence: `${where}: no ceiling, the ${DEVICE_WORDS[input.device]} memory bandwidth is not calibrated.` };
  }
  if (input.weightBytes === null || !(input.weightBytes > 0)) {
    return { status: 'no-ceiling', sentence: `${where}: no ceiling, the size of its weights is not known before it loads.` };
  }
  const ceilingTps = decodeCeilingTps(input.bandwidthGBps, input.weightBytes);
  const ceiling = `the ${formatTps(ceilingTps)} ceiling (${formatBytes(input.weightBytes)} of weights per token at ${input.bandwidthGBps.toFixed(1)} GB/s)`;
  if (input.runs === 0 || !Number.isFinite(input.medianTps)) {
    return { status: 'not-measured', sentence: `${where}: not measured yet; run it to compare with ${ceiling}.` };
  }
  const share = input.medianTps / ceilingTps;
  return {
    status: 'measured',
    ceilingTps,
    share,
    sentence: `${where}: expected ${formatTps(input.medianTps)}, ${percentText(share)} of ${ceiling}; median of ${input.runs} run${input.runs === 1 ? '' : 's'} here.`,
  };
}

/** Bytes of a build's weights: its ONNX file at that precision, or its one GGUF file; null where the manifest has neither. */
export function weightBytesOf(model: ManifestModel | undefined, dtype: string): number | null {
  if (!model) return null;
  const onnx = modelBuilds(model).find((b) => b.dtype === dtype);
  if (onnx) return onnx.bytes;
  return model.files.find((f) => f.path.endsWith('.gguf'))?.bytes ?? null;
}
