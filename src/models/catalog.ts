/**
 * The models the app offers. Three kinds:
 * - bundled: generated models served from the app's own origin: ONNX run by transformers.js, and the
 *   same weights as GGUF (f32, q8_0, q4_0) run by llama.cpp through wllama. Which of
 *   them a build carries is read from the generated manifest; the rest are shown as "not generated"
 *   rather than hidden, so a user learns how to get them.
 * - hub: web-llm's prebuilt MLC models, downloaded from the model hub (huggingface.co) and their
 *   compiled library from raw.githubusercontent.com the first time, then cached in the browser. They
 *   need WebGPU and a connection for that first load.
 * - hub-onnx: real ONNX models on the model hub, run by transformers.js (WASM or WebGPU), downloaded
 *   the first time and then kept in transformers.js's Cache API store (see `onnx-hub.ts`).
 * - hub-gguf: one GGUF file of a repository on the model hub, run by llama.cpp (wllama), downloaded the
 *   first time and then kept in a Cache API store of its own (see `gguf-hub.ts`).
 *
 * A hub entry names one model in two builds; the engine picks the build from the adapter
 * (`webLlmVariantFor`): q4f16_1 needs `shader-f16`, q4f32_1 runs everywhere else. The figures per
 * build are copied from web-llm's `prebuiltAppConfig` (a unit test keeps them equal), so the page can
 * show them without loading web-llm's 6 MB bundle.
 */
import type { EngineKind, ResolvedDevice } from './runtime-kinds.ts';
import type { WebLlmVariant } from '../tiers/index.ts';
import type { Dtype, KvDtype } from '../tiers/index.ts';
import { isRemoteModelId } from './remote-models.ts';
import { isModelFileId } from './model-files.ts';
import { isModelFolderId } from './onnx-folder.ts';

export interface BundledModel {
  source: 'bundled';
  /** transformers.js for the ONNX models, wllama (llama.cpp) for their GGUF builds. */
  engine: 'transformers' | 'wllama';
  id: string;
  label: string;
  description: string;
  /** A GGUF build: the ONNX model its weights came from, and its quantization (`q8_0`). */
  builtFrom?: string;
  buildDtype?: string;
}

export interface HubBuild {
  /** web-llm's `model_id` of this build. */
  mlcModelId: string;
  /**
   * web-llm's `vram_required_MB` (MiB): parameters + the largest temporary buffer + the KV cache at
   * the record's 4096-token context window. The KV cache is included: SmolLM2-360M q4f32_1, for one,
   * has 226 MB of weights and 336 MB of f32 KV cache (32 layers × 5 KV heads × 64 × 2 × 4 B × 4096)
   * against 579.6 MiB listed.
   */
  vramRequiredMiB: number;
  /** web-llm's `model_lib`: the compiled library, stored in its `webllm/wasm` cache under this URL. */
  modelLib: string;
}

export interface HubModel {
  source: 'hub';
  engine: 'web-llm';
  id: string;
  label: string;
  description: string;
  /** Published parameter count, for the download estimate. */
  parameters: number;
  builds: Readonly<Record<WebLlmVariant, HubBuild>>;
}

/** transformers.js's names for an ONNX file's precision (`onnx/model{suffix}.onnx`). */
export type OnnxDtype = 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';
export const ONNX_DTYPES: readonly OnnxDtype[] = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'];

/**
 * Which build a load asks for. `auto`: fp32 for a bundled model (the build benchmarks compare), the
 * catalog's order of preference for a hub model.
 */
export type DtypePreference = 'auto' | OnnxDtype;

export interface OnnxBuild {
  dtype: OnnxDtype;
  /** The ONNX file's size as the hub's file list shows it (decimal MB, rounded there). */
  fileBytes: number;
  devices: readonly ResolvedDevice[];
  /** WebGPU features the build needs: f16 weights and activations need `shader-f16`. */
  requiredFeatures: readonly 'shader-f16'[];
  /** The capacity arithmetic's dtype for its weights, and the KV cache transformers.js keeps for it. */
  capacityDtype: Dtype;
  kvDtype: KvDtype;
}

/** The geometry the KV cache is sized from, copied from the repository's config.json. */
export interface OnnxShape {
  layers: number;
  kvHeads: number;
  headDim: number;
  /** `max_position_embeddings`: the context window the engine lets prompt and output fill. */
  contextTokens: number;
}

export interface OnnxHubModel {
  source: 'hub-onnx';
  engine: 'transformers';
  /** The hub repository ("owner/name"), which is also what transformers.js loads. */
  id: string;
  label: string;
  description: string;
  parameters: number;
  shape: OnnxShape;
  /** In order of preference: the engine takes the first its device and adapter can run. */
  builds: readonly OnnxBuild[];
  /** config.json, generation_config.json, tokenizer.json and tokenizer_config.json together, about. */
  otherFilesBytes: number;
}

/** One GGUF file of a hub repository: a repository holds many quantizations, and each is a model of its own. */
export interface GgufHubModel {
  source: 'hub-gguf';
  engine: 'wllama';
  /** `{repo}/{file}`. */
  id: string;
  label: string;
  description: string;
  repo: string;
  file: string;
  /** llama.cpp's name for the quantization of most of its weights (`Q8_0`, `Q4_K_M`). */
  quantization: string;
  /** The file's size as the hub's file list shows it (decimal MB, rounded there); the engine uses the real size once it has the file. */
  fileBytes: number;
  parameters: number;
  /** From the repository's config: the KV cache the pre-flight counts. */
  shape: OnnxShape;
}

export type CatalogModel = BundledModel | HubModel | OnnxHubModel | GgufHubModel;

export const DEFAULT_MODEL_ID = 'wf-alphabet';

/** Where hub models come from, as web-llm's prebuilt records say (named in errors and in the UI). */
export const HUB_WEIGHTS_HOST = 'huggingface.co';
export const HUB_LIBRARY_HOST = 'raw.githubusercontent.com';

/** web-llm's library URLs: its `modelLibURLPrefix` and `modelVersion`. */
function mlcLibrary(file: string): string {
  return `https://${HUB_LIBRARY_HOST}/mlc-ai/binary-mlc-llm-libs/main/web-llm-models/v0_2_86/base/${file}`;
}

const MB = 1e6;

/** On WebGPU with `shader-f16`: 4-bit weights, f16 activations and KV cache. */
const Q4F16_WEBGPU = { dtype: 'q4f16', devices: ['webgpu'], requiredFeatures: ['shader-f16'], capacityDtype: 'q4', kvDtype: 'fp16' } as const;
/** 4-bit weights with f32 activations: WASM, and WebGPU adapters without `shader-f16`. */
const Q4_ANYWHERE = { dtype: 'q4', devices: ['wasm', 'webgpu'], requiredFeatures: [], capacityDtype: 'q4', kvDtype: 'fp32' } as const;

/** A generated model's GGUF build (`npm run models` writes `<id>-gguf-<dtype>`), run by wllama. */
function ggufBuild(baseId: string, dtype: 'f32' | 'q8_0' | 'q4_0', size: string, description: string): BundledModel {
  return {
    source: 'bundled',
    engine: 'wllama',
    id: `${baseId}-gguf-${dtype}`,
    builtFrom: baseId,
    buildDtype: dtype,
    label: `${baseId} GGUF ${dtype} (llama.cpp, ${size})`,
    description: `${description} GGUF ${dtype}, run by llama.cpp in WASM (wllama).`,
  };
}

const SMOLLM2_135M = { parameters: 134_515_008, shape: { layers: 30, kvHeads: 3, headDim: 64, contextTokens: 8192 } } as const;
const SMOLLM2_360M = { parameters: 361_821_120, shape: { layers: 32, kvHeads: 5, headDim: 64, contextTokens: 8192 } } as const;
const QWEN25_05B = { parameters: 494_032_768, shape: { layers: 24, kvHeads: 2, headDim: 64, contextTokens: 32768 } } as const;

/** A GGUF file on the model hub; `megabytes` as the hub's file list shows it. */
function ggufHub(
  name: string,
  base: { parameters: number; shape: OnnxShape },
  repo: string,
  file: string,
  quantization: string,
  megabytes: number,
): GgufHubModel {
  return {
    source: 'hub-gguf',
    engine: 'wllama',
    id: `${repo}/${file}`,
    label: `${name} (GGUF ${quantization}, llama.cpp)`,
    description: `A real chat model as a ${quantization} GGUF file from ${repo}, run by llama.cpp in WASM (wllama).`,
    repo,
    file,
    quantization,
    fileBytes: megabytes * MB,
    ...base,
  };
}

const TINY_GGUF = 'wf-tiny’s constructed weights: continues any byte sequence ("a" → "bcdef…") in every quantization.';
const STORIES_GGUF = 'Shape of llama2.c stories15M with seeded random weights.';

export const CATALOG: readonly CatalogModel[] = [
  {
    source: 'bundled',
    engine: 'transformers',
    id: 'wf-alphabet',
    label: 'wf-alphabet (demo model, ~100 KB)',
    description:
      'Constructed weights: continues the alphabet from the last letter of your text and ends after "z" ("Hello" → "pqrstuvwxyz"). Shows the whole engine path with an answer you can check; it is not a language model.',
  },
  {
    source: 'bundled',
    engine: 'transformers',
    id: 'wf-tiny',
    label: 'wf-tiny (test model, ~100 KB)',
    description: 'Constructed weights: continues any byte sequence ("a" → "bcdef…"). Checks the whole engine path with an exact answer.',
  },
  {
    source: 'bundled',
    engine: 'transformers',
    id: 'wf-stories15m',
    label: 'wf-stories15m (15M, random weights)',
    description: 'Shape of llama2.c stories15M with seeded random weights: real compute cost, meaningless text.',
  },
  ggufBuild('wf-tiny', 'f32', '146 KB', TINY_GGUF),
  ggufBuild('wf-tiny', 'q8_0', '44 KB', TINY_GGUF),
  ggufBuild('wf-tiny', 'q4_0', '26 KB', TINY_GGUF),
  ggufBuild('wf-stories15m', 'f32', '61 MB', STORIES_GGUF),
  ggufBuild('wf-stories15m', 'q8_0', '17 MB', STORIES_GGUF),
  ggufBuild('wf-stories15m', 'q4_0', '9 MB', STORIES_GGUF),
  {
    source: 'bundled',
    engine: 'transformers',
    id: 'wf-smollm2-135m',
    label: 'wf-smollm2-135m (135M, random weights)',
    description: 'Shape of SmolLM2-135M with seeded random weights (539 MB). Generate it with "npm run models -- --all".',
  },
  {
    source: 'hub',
    engine: 'web-llm',
    id: 'SmolLM2-360M-Instruct',
    label: 'SmolLM2-360M Instruct (web-llm)',
    description: 'A small real chat model, 4-bit, on WebGPU through web-llm.',
    parameters: 361_821_120,
    builds: {
      q4f16_1: { mlcModelId: 'SmolLM2-360M-Instruct-q4f16_1-MLC', vramRequiredMiB: 376.06, modelLib: mlcLibrary('SmolLM2-360M-Instruct-q4f16_1_cs1k-webgpu.wasm') },
      q4f32_1: { mlcModelId: 'SmolLM2-360M-Instruct-q4f32_1-MLC', vramRequiredMiB: 579.61, modelLib: mlcLibrary('SmolLM2-360M-Instruct-q4f32_1_cs1k-webgpu.wasm') },
    },
  },
  {
    source: 'hub',
    engine: 'web-llm',
    id: 'Qwen2.5-0.5B-Instruct',
    label: 'Qwen2.5-0.5B Instruct (web-llm)',
    description: 'A real chat model with a large vocabulary (its logits buffer dominates the memory), 4-bit, on WebGPU through web-llm.',
    parameters: 494_032_768,
    builds: {
      q4f16_1: { mlcModelId: 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC', vramRequiredMiB: 944.62, modelLib: mlcLibrary('Qwen2-0.5B-Instruct-q4f16_1_cs1k-webgpu.wasm') },
      q4f32_1: { mlcModelId: 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC', vramRequiredMiB: 1060.2, modelLib: mlcLibrary('Qwen2-0.5B-Instruct-q4f32_1_cs1k-webgpu.wasm') },
    },
  },
  {
    source: 'hub',
    engine: 'web-llm',
    id: 'Llama-3.2-1B-Instruct',
    label: 'Llama-3.2-1B Instruct (web-llm)',
    description: 'A 1B-parameter chat model, 4-bit, on WebGPU through web-llm.',
    parameters: 1_235_814_400,
    builds: {
      q4f16_1: { mlcModelId: 'Llama-3.2-1B-Instruct-q4f16_1-MLC', vramRequiredMiB: 879.04, modelLib: mlcLibrary('Llama-3.2-1B-Instruct-q4f16_1_cs1k-webgpu.wasm') },
      q4f32_1: { mlcModelId: 'Llama-3.2-1B-Instruct-q4f32_1-MLC', vramRequiredMiB: 1128.82, modelLib: mlcLibrary('Llama-3.2-1B-Instruct-q4f32_1_cs1k-webgpu.wasm') },
    },
  },
  {
    source: 'hub-onnx',
    engine: 'transformers',
    id: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    label: 'SmolLM2-135M Instruct (transformers.js)',
    description: 'A small real chat model, 4-bit ONNX, on WASM or WebGPU through transformers.js.',
    parameters: 134_515_008,
    shape: { layers: 30, kvHeads: 3, headDim: 64, contextTokens: 8192 },
    builds: [
      { ...Q4F16_WEBGPU, fileBytes: 134 * MB },
      { ...Q4_ANYWHERE, fileBytes: 200 * MB },
    ],
    otherFilesBytes: 2.2 * MB,
  },
  {
    source: 'hub-onnx',
    engine: 'transformers',
    id: 'HuggingFaceTB/SmolLM2-360M-Instruct',
    label: 'SmolLM2-360M Instruct (transformers.js)',
    description: 'A small real chat model, 4-bit ONNX, on WASM or WebGPU through transformers.js.',
    parameters: 361_821_120,
    shape: { layers: 32, kvHeads: 5, headDim: 64, contextTokens: 8192 },
    builds: [
      { ...Q4F16_WEBGPU, fileBytes: 299 * MB },
      { ...Q4_ANYWHERE, fileBytes: 417 * MB },
    ],
    otherFilesBytes: 2.2 * MB,
  },
  {
    source: 'hub-onnx',
    engine: 'transformers',
    id: 'onnx-community/Qwen2.5-0.5B-Instruct',
    label: 'Qwen2.5-0.5B Instruct (transformers.js)',
    description: 'A real chat model with a large vocabulary, ONNX, on WASM (8-bit) or WebGPU (4-bit) through transformers.js.',
    parameters: 494_032_768,
    shape: { layers: 24, kvHeads: 2, headDim: 64, contextTokens: 32768 },
    builds: [
      { ...Q4F16_WEBGPU, fileBytes: 483 * MB },
      // Its q4 file (786 MB) keeps the 151,936-row embedding unquantised: on WASM the 8-bit file is smaller.
      { dtype: 'q8', devices: ['wasm'], requiredFeatures: [], capacityDtype: 'q8', kvDtype: 'fp32', fileBytes: 512 * MB },
      { ...Q4_ANYWHERE, devices: ['webgpu'], fileBytes: 786 * MB },
    ],
    otherFilesBytes: 7.1 * MB,
  },
  ggufHub('SmolLM2-135M Instruct', SMOLLM2_135M, 'bartowski/SmolLM2-135M-Instruct-GGUF', 'SmolLM2-135M-Instruct-Q8_0.gguf', 'Q8_0', 145),
  ggufHub('SmolLM2-135M Instruct', SMOLLM2_135M, 'bartowski/SmolLM2-135M-Instruct-GGUF', 'SmolLM2-135M-Instruct-Q4_K_M.gguf', 'Q4_K_M', 105),
  ggufHub('SmolLM2-360M Instruct', SMOLLM2_360M, 'bartowski/SmolLM2-360M-Instruct-GGUF', 'SmolLM2-360M-Instruct-Q8_0.gguf', 'Q8_0', 386),
  ggufHub('SmolLM2-360M Instruct', SMOLLM2_360M, 'bartowski/SmolLM2-360M-Instruct-GGUF', 'SmolLM2-360M-Instruct-Q4_K_M.gguf', 'Q4_K_M', 271),
  ggufHub('Qwen2.5-0.5B Instruct', QWEN25_05B, 'Qwen/Qwen2.5-0.5B-Instruct-GGUF', 'qwen2.5-0.5b-instruct-q4_k_m.gguf', 'Q4_K_M', 491),
  ggufHub('Qwen2.5-0.5B Instruct', QWEN25_05B, 'Qwen/Qwen2.5-0.5B-Instruct-GGUF', 'qwen2.5-0.5b-instruct-q8_0.gguf', 'Q8_0', 676),
];

const MIB = 1024 * 1024;

/** Bits per parameter of MLC's group quantisation: 4-bit weights plus one scale per group of 32. */
const BITS_PER_PARAMETER: Readonly<Record<WebLlmVariant, number>> = {
  q4f16_1: 4 + 16 / 32,
  q4f32_1: 4 + 32 / 32,
};

export function findCatalogModel(id: string): CatalogModel | undefined {
  return CATALOG.find((model) => model.id === id);
}

/** Models that come from the model hub (any engine): they need a connection the first time. */
export function isHubModel(model: CatalogModel): model is HubModel | OnnxHubModel | GgufHubModel {
  return model.source !== 'bundled';
}

export function engineOf(id: string): EngineKind {
  if (isRemoteModelId(id)) return 'remote';
  // A folder the user opened is an ONNX model folder; a single file is a GGUF file (the only kind the file control accepts).
  if (isModelFolderId(id)) return 'transformers';
  if (isModelFileId(id)) return 'wllama';
  return findCatalogModel(id)?.engine ?? 'transformers';
}

/** A hub model's build for this variant; also finds a build by its exact web-llm id. */
export function hubBuild(id: string, variant: WebLlmVariant): { model: HubModel; variant: WebLlmVariant; build: HubBuild } | null {
  for (const model of CATALOG) {
    if (model.source !== 'hub') continue;
    if (model.id === id) return { model, variant, build: model.builds[variant] };
    for (const [v, build] of Object.entries(model.builds) as [WebLlmVariant, HubBuild][]) {
      if (build.mlcModelId === id) return { model, variant: v, build };
    }
  }
  return null;
}

/** Where web-llm fetches a build's weights from (its record's `model` plus `resolve/main/`). */
export function hubWeightsBase(build: HubBuild): string {
  return `https://${HUB_WEIGHTS_HOST}/mlc-ai/${build.mlcModelId}/resolve/main/`;
}

/** What a loaded build takes in GPU memory, by web-llm's own figure. */
export function hubFootprintBytes(build: HubBuild): number {
  return Math.round(build.vramRequiredMiB * MIB);
}

/** Before the adapter is known: the larger build, so admission never counts on the smaller one. */
export function hubFootprintUpperBytes(model: HubModel): number {
  return Math.max(...Object.values(model.builds).map(hubFootprintBytes));
}

/**
 * The weights' download, estimated from the parameter count and the quantisation's bits: the hub's
 * own file list is out of reach until the first download. The compiled library and tokenizer add a
 * few MB.
 */
export function hubDownloadBytes(model: HubModel, variant: WebLlmVariant): number {
  return Math.round((model.parameters * BITS_PER_PARAMETER[variant]) / 8);
}

/** The smallest and largest download over the builds, for a label shown before the adapter is known. */
export function hubDownloadRange(model: HubModel): { min: number; max: number } {
  const sizes = (Object.keys(model.builds) as WebLlmVariant[]).map((variant) => hubDownloadBytes(model, variant));
  return { min: Math.min(...sizes), max: Math.max(...sizes) };
}
