/**
 * Which build of a bundled (generated) model a load takes, and what the model select shows for each.
 * `npm run models` writes every bundled model in fp32 and quantized (q8, q4) and half (fp16) builds
 * under the hub's file names, so transformers.js's own `dtype` option finds them. The default stays
 * fp32: it is the build stored results and baselines were measured with, and the quantized ones are
 * not faster on WASM here (docs/engines.md has the figures). Pure.
 */
import type { DtypePreference, OnnxDtype } from './catalog.ts';
import { buildFiles, modelBuilds, type ManifestFile, type ManifestModel } from './manifest.ts';

export const DEFAULT_BUNDLED_DTYPE: OnnxDtype = 'fp32';

/** What each precision is, in a few words for the select and the load's reason. */
export const DTYPE_DESCRIPTION: Readonly<Record<OnnxDtype, string>> = {
  fp32: '32-bit floats',
  fp16: '16-bit floats',
  q8: '8-bit weights and activations (MatMulInteger)',
  q4: '4-bit weight blocks (MatMulNBits)',
  q4f16: '4-bit weights, 16-bit activations',
};

export type BundledBuildChoice =
  | { ok: true; dtype: OnnxDtype; files: ManifestFile[]; bytes: number; reason: string }
  /** `missing`: the server has no such build; `unsupported`: the device cannot run it. */
  | { ok: false; problem: 'missing' | 'unsupported'; reason: string };

/**
 * The build to load. An fp16 build on WebGPU needs `shader-f16` (transformers.js refuses it
 * otherwise); on WASM ORT runs it by casting to fp32 around the kernels it lacks in fp16.
 */
export function bundledBuildFor(model: ManifestModel, preference: DtypePreference, device: 'wasm' | 'webgpu', shaderF16: boolean): BundledBuildChoice {
  const dtype = preference === 'auto' ? DEFAULT_BUNDLED_DTYPE : preference;
  const files = buildFiles(model, dtype);
  if (files === null) {
    const offered = modelBuilds(model).map((b) => b.dtype).join(', ') || 'none';
    return { ok: false, problem: 'missing', reason: `${model.id} has no ${dtype} build on this server (its builds: ${offered}). Regenerate it with "npm run models".` };
  }
  if (device === 'webgpu' && (dtype === 'fp16' || dtype === 'q4f16') && !shaderF16) {
    return { ok: false, problem: 'unsupported', reason: `The ${dtype} build of ${model.id} needs a WebGPU adapter with shader-f16, and this one has none. Choose WASM or another precision.` };
  }
  const reason = preference === 'auto' ? `${dtype} build (the default, the one benchmarks compare)` : `${dtype} build (${DTYPE_DESCRIPTION[dtype]}), chosen by hand`;
  return { ok: true, dtype, files, bytes: files.reduce((sum, f) => sum + f.bytes, 0), reason };
}

export interface DtypeOption {
  value: DtypePreference;
  label: string;
}

function megabytes(bytes: number): string {
  return bytes < 1e6 ? `${(bytes / 1e3).toFixed(0)} KB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * The precision select's options for a model: Auto, then each build a bundled model has with its
 * ONNX file's size. A hub model (no manifest entry) gets Auto alone: its build follows the device.
 */
export function dtypeOptions(model: ManifestModel | undefined): DtypeOption[] {
  if (!model) return [{ value: 'auto', label: 'Auto (the build for the device)' }];
  return [
    { value: 'auto', label: `Auto (${DEFAULT_BUNDLED_DTYPE})` },
    ...modelBuilds(model).map((b) => ({ value: b.dtype, label: `${b.dtype} — ${megabytes(b.bytes)}` })),
  ];
}
