/**
 * The ONNX models of the model hub that transformers.js runs (catalog entries of source `hub-onnx`):
 * which of a model's builds a device can run, which files transformers.js fetches for it and under
 * which URLs it stores them, what a loaded build costs in memory, and what the first load downloads.
 * Pure: the engine and the storage panel do the fetching and the Cache API reads.
 */
import { modelFootprint, type Footprint, type ModelSpec } from '../tiers/index.ts';
import type { ResolvedDevice } from './runtime-kinds.ts';
import { CATALOG, HUB_WEIGHTS_HOST, findCatalogModel, type OnnxBuild, type OnnxDtype, type OnnxHubModel } from './catalog.ts';

/** transformers.js's Cache API store (its `env.cacheKey`). */
export const ONNX_HUB_CACHE = 'transformers-cache';

/** transformers.js 4's `DEFAULT_DTYPE_SUFFIX_MAPPING` for the dtypes the catalog offers. */
const DTYPE_SUFFIX: Readonly<Record<OnnxDtype, string>> = { fp32: '', fp16: '_fp16', q8: '_quantized', q4: '_q4', q4f16: '_q4f16' };

/** What transformers.js fetches besides the ONNX file; a missing generation_config.json is allowed. */
const SUPPORT_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json'] as const;
const OPTIONAL_FILES: ReadonlySet<string> = new Set(['generation_config.json']);

export function onnxHubModel(id: string): OnnxHubModel | null {
  const model = findCatalogModel(id);
  return model?.source === 'hub-onnx' ? model : null;
}

export const ONNX_HUB_MODELS: readonly OnnxHubModel[] = CATALOG.filter((m): m is OnnxHubModel => m.source === 'hub-onnx');

/** `{host}/{repo}/resolve/main/`: transformers.js's `remoteHost` and `remotePathTemplate`, and its cache keys' prefix. */
export function onnxRepoBase(model: Pick<OnnxHubModel, 'id'>): string {
  return `https://${HUB_WEIGHTS_HOST}/${model.id}/resolve/main/`;
}

/** The file transformers.js asks for at this dtype (`subfolder` onnx, no `model_file_name`). */
export function onnxFileName(dtype: OnnxDtype): string {
  return `onnx/model${DTYPE_SUFFIX[dtype]}.onnx`;
}

/** Every file of one build, relative to the repository, and whether a load needs it. */
export function onnxBuildFiles(build: Pick<OnnxBuild, 'dtype'>): { path: string; required: boolean }[] {
  return [...SUPPORT_FILES.map((path) => ({ path, required: !OPTIONAL_FILES.has(path) })), { path: onnxFileName(build.dtype), required: true }];
}

/**
 * The first build (in the catalog's order of preference) this device, and this adapter's features, can
 * run; with `dtype`, only a build of that precision.
 */
export function onnxBuildFor(model: OnnxHubModel, device: ResolvedDevice, shaderF16: boolean, dtype?: OnnxDtype): OnnxBuild | null {
  return (
    model.builds.find(
      (build) =>
        (dtype === undefined || build.dtype === dtype) &&
        build.devices.includes(device) &&
        build.requiredFeatures.every((feature) => feature !== 'shader-f16' || (device === 'webgpu' && shaderF16)),
    ) ?? null
  );
}

/** Why this build, in words for the load's device reason. */
export function onnxBuildReason(build: OnnxBuild, device: ResolvedDevice): string {
  if (build.requiredFeatures.includes('shader-f16')) return `${build.dtype} build (the adapter has shader-f16)`;
  return device === 'webgpu' ? `${build.dtype} build (the adapter lacks shader-f16)` : `${build.dtype} build for WASM`;
}

/**
 * The capacity arithmetic's view of one build, with the context window the engine lets it fill. Its
 * weights are the ONNX file as it sits in memory: a q4 file keeps its embedding unquantised, so
 * params × 0.5 B would undercount it threefold.
 */
export function onnxModelSpec(model: OnnxHubModel, build: OnnxBuild): ModelSpec {
  return {
    name: model.id,
    params: model.parameters,
    dtype: build.capacityDtype,
    kvDtype: build.kvDtype,
    storedWeights: { dtype: build.capacityDtype, bytes: build.fileBytes },
    ...model.shape,
  };
}

/** What a loaded build holds: its ONNX file, the KV cache at the context window, the runtime overhead. */
export function onnxFootprint(model: OnnxHubModel, build: OnnxBuild): Footprint {
  return modelFootprint(onnxModelSpec(model, build));
}

/** Before the device is known (a council member's admission): the largest build, so admission never counts on a smaller one. */
export function onnxFootprintUpperBytes(model: OnnxHubModel): number {
  return Math.max(...model.builds.map((build) => Math.round(onnxFootprint(model, build).totalBytes)));
}

/** The spec the council pre-flight counts for a member before its device is known: the largest build's. */
export function onnxUpperSpec(model: OnnxHubModel): ModelSpec {
  const specs = model.builds.map((build) => onnxModelSpec(model, build));
  return specs.reduce((a, b) => (modelFootprint(b).totalBytes > modelFootprint(a).totalBytes ? b : a));
}

export function onnxDownloadBytes(model: OnnxHubModel, build: OnnxBuild): number {
  return Math.round(build.fileBytes + model.otherFilesBytes);
}

export function onnxDownloadRange(model: OnnxHubModel): { min: number; max: number } {
  const sizes = model.builds.map((build) => onnxDownloadBytes(model, build));
  return { min: Math.min(...sizes), max: Math.max(...sizes) };
}

/**
 * Whether transformers.js's cache holds a whole build of this model (it then loads offline), some
 * of its files, or none. `urls`: the cache's keys.
 */
export function onnxStoredState(model: OnnxHubModel, urls: ReadonlySet<string>): 'stored' | 'partial' | 'none' {
  const base = onnxRepoBase(model);
  const complete = model.builds.some((build) => onnxBuildFiles(build).every((file) => !file.required || urls.has(base + file.path)));
  if (complete) return 'stored';
  for (const url of urls) if (url.startsWith(base)) return 'partial';
  return 'none';
}
