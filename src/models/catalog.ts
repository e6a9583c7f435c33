/**
 * The models the app offers. Two kinds:
 * - bundled: generated ONNX models served from the app's own origin, run by transformers.js. Which of
 *   them a build carries is read from the generated manifest; the rest are shown as "not generated"
 *   rather than hidden, so a user learns how to get them.
 * - hub: web-llm's prebuilt MLC models, downloaded from the model hub (huggingface.co) and their
 *   compiled library from raw.githubusercontent.com the first time, then cached in the browser. They
 *   need WebGPU and a connection for that first load.
 *
 * A hub entry names one model in two builds; the engine picks the build from the adapter
 * (`webLlmVariantFor`): q4f16_1 needs `shader-f16`, q4f32_1 runs everywhere else. The figures per
 * build are copied from web-llm's `prebuiltAppConfig` (a unit test keeps them equal), so the page can
 * show them without loading web-llm's 6 MB bundle.
 */
import type { EngineKind } from '../workers/engine.ts';
import type { WebLlmVariant } from '../tiers/profiles.ts';

export interface BundledModel {
  source: 'bundled';
  engine: 'transformers';
  id: string;
  label: string;
  description: string;
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

export type CatalogModel = BundledModel | HubModel;

export const DEFAULT_MODEL_ID = 'wf-tiny';

/** Where hub models come from, as web-llm's prebuilt records say (named in errors and in the UI). */
export const HUB_WEIGHTS_HOST = 'huggingface.co';
export const HUB_LIBRARY_HOST = 'raw.githubusercontent.com';

export const CATALOG: readonly CatalogModel[] = [
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
      q4f16_1: { mlcModelId: 'SmolLM2-360M-Instruct-q4f16_1-MLC', vramRequiredMiB: 376.06 },
      q4f32_1: { mlcModelId: 'SmolLM2-360M-Instruct-q4f32_1-MLC', vramRequiredMiB: 579.61 },
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
      q4f16_1: { mlcModelId: 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC', vramRequiredMiB: 944.62 },
      q4f32_1: { mlcModelId: 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC', vramRequiredMiB: 1060.2 },
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
      q4f16_1: { mlcModelId: 'Llama-3.2-1B-Instruct-q4f16_1-MLC', vramRequiredMiB: 879.04 },
      q4f32_1: { mlcModelId: 'Llama-3.2-1B-Instruct-q4f32_1-MLC', vramRequiredMiB: 1128.82 },
    },
  },
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

export function engineOf(id: string): EngineKind {
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
