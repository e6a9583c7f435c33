import { describe, expect, it } from 'vitest';
import { kvCacheBytes, runtimeOverheadBytes } from '../tiers/index.ts';
import type { OnnxDtype } from './catalog.ts';
import {
  ONNX_HUB_MODELS,
  onnxBuildFiles,
  onnxBuildFor,
  onnxBuildReason,
  onnxDownloadRange,
  onnxFileName,
  onnxFootprint,
  onnxFootprintUpperBytes,
  onnxHubModel,
  onnxRepoBase,
  onnxStoredState,
  onnxUpperSpec,
} from './onnx-hub.ts';

const smol135 = onnxHubModel('HuggingFaceTB/SmolLM2-135M-Instruct')!;
const qwen = onnxHubModel('onnx-community/Qwen2.5-0.5B-Instruct')!;

describe('the ONNX hub models', () => {
  it('are found by their repository; other ids are not ONNX hub models', () => {
    expect(smol135.parameters).toBe(134_515_008);
    expect(onnxHubModel('wf-tiny')).toBeNull();
    expect(onnxHubModel('SmolLM2-360M-Instruct')).toBeNull();
    expect(ONNX_HUB_MODELS.map((m) => m.id)).toEqual(['HuggingFaceTB/SmolLM2-135M-Instruct', 'HuggingFaceTB/SmolLM2-360M-Instruct', 'onnx-community/Qwen2.5-0.5B-Instruct']);
  });

  it.each(ONNX_HUB_MODELS.map((m) => [m.id, m] as const))('%s: every device has a build, f16 builds need shader-f16', (_id, model) => {
    expect(onnxBuildFor(model, 'wasm', false)).not.toBeNull();
    expect(onnxBuildFor(model, 'webgpu', false)).not.toBeNull();
    for (const build of model.builds) {
      if (build.dtype.includes('f16')) expect(build.requiredFeatures).toContain('shader-f16');
      if (build.kvDtype === 'fp16') expect(build.devices).toEqual(['webgpu']);
    }
  });
});

/** transformers.js's own table, from its source (the package does not export it): the names below must be the ones it fetches. */
const DTYPES_SOURCE = '../../node_modules/@huggingface/transformers/src/utils/dtypes.js';
const { DEFAULT_DTYPE_SUFFIX_MAPPING } = (await import(/* @vite-ignore */ DTYPES_SOURCE)) as { DEFAULT_DTYPE_SUFFIX_MAPPING: Record<string, string> };

describe('onnxFileName follows transformers.js', () => {
  it.each<[OnnxDtype, string]>([
    ['fp32', 'onnx/model.onnx'],
    ['fp16', 'onnx/model_fp16.onnx'],
    ['q8', 'onnx/model_quantized.onnx'],
    ['q4', 'onnx/model_q4.onnx'],
    ['q4f16', 'onnx/model_q4f16.onnx'],
  ])('%s → %s', (dtype, file) => {
    expect(onnxFileName(dtype)).toBe(file);
    expect(`onnx/model${DEFAULT_DTYPE_SUFFIX_MAPPING[dtype]}.onnx`).toBe(file);
  });

  it('a build needs the config, the tokenizer and its ONNX file; generation_config.json is optional', () => {
    expect(onnxBuildFiles({ dtype: 'q4' })).toEqual([
      { path: 'config.json', required: true },
      { path: 'tokenizer.json', required: true },
      { path: 'tokenizer_config.json', required: true },
      { path: 'generation_config.json', required: false },
      { path: 'onnx/model_q4.onnx', required: true },
    ]);
  });
});

describe('onnxBuildFor', () => {
  it.each<[string, 'wasm' | 'webgpu', boolean, OnnxDtype]>([
    ['HuggingFaceTB/SmolLM2-135M-Instruct', 'wasm', false, 'q4'],
    // shader-f16 on the adapter does not make WASM run f16.
    ['HuggingFaceTB/SmolLM2-135M-Instruct', 'wasm', true, 'q4'],
    ['HuggingFaceTB/SmolLM2-135M-Instruct', 'webgpu', true, 'q4f16'],
    ['HuggingFaceTB/SmolLM2-135M-Instruct', 'webgpu', false, 'q4'],
    ['onnx-community/Qwen2.5-0.5B-Instruct', 'wasm', false, 'q8'],
    ['onnx-community/Qwen2.5-0.5B-Instruct', 'webgpu', true, 'q4f16'],
    ['onnx-community/Qwen2.5-0.5B-Instruct', 'webgpu', false, 'q4'],
  ])('%s on %s (shader-f16: %s) → %s', (id, device, f16, dtype) => {
    expect(onnxBuildFor(onnxHubModel(id)!, device, f16)?.dtype).toBe(dtype);
  });

  it('takes only a build of the asked-for precision, where the device runs it', () => {
    const qwen = onnxHubModel('onnx-community/Qwen2.5-0.5B-Instruct')!;
    expect(onnxBuildFor(qwen, 'webgpu', true, 'q4')?.dtype).toBe('q4');
    expect(onnxBuildFor(qwen, 'wasm', false, 'q4')).toBeNull();
    expect(onnxBuildFor(qwen, 'webgpu', false, 'q4f16')).toBeNull();
  });
});

describe('onnxBuildReason', () => {
  it.each<['wasm' | 'webgpu', boolean, string]>([
    ['wasm', false, 'q4 build for WASM'],
    ['webgpu', true, 'q4f16 build (the adapter has shader-f16)'],
    ['webgpu', false, 'q4 build (the adapter lacks shader-f16)'],
  ])('%s, shader-f16 %s: %s', (device, f16, reason) => {
    expect(onnxBuildReason(onnxBuildFor(smol135, device, f16)!, device)).toBe(reason);
  });
});

describe('footprint: the ONNX file, the KV cache at the context window, the runtime overhead', () => {
  it('SmolLM2-135M q4 on WASM: f32 KV cache over 8192 tokens', () => {
    const build = onnxBuildFor(smol135, 'wasm', false)!;
    const f = onnxFootprint(smol135, build);
    // 30 layers × 2 × 3 KV heads × 64 × 8192 tokens × 4 B.
    expect(f.kvCacheBytes).toBe(30 * 2 * 3 * 64 * 8192 * 4);
    expect(f.kvCacheBytes).toBe(kvCacheBytes({ layers: 30, kvHeads: 3, headDim: 64, dtype: 'q4', kvDtype: 'fp32' }, 8192));
    expect(f.weightsBytes).toBe(200e6);
    expect(f.overheadBytes).toBe(runtimeOverheadBytes(200e6));
    expect(f.totalBytes).toBe(200e6 + 377_487_360 + 120e6);
  });

  it('the f16 build keeps an f16 cache: half the bytes', () => {
    const f16 = onnxFootprint(smol135, onnxBuildFor(smol135, 'webgpu', true)!);
    expect(f16.kvCacheBytes).toBe(377_487_360 / 2);
  });

  it('before the device is known, the largest build counts', () => {
    const all = qwen.builds.map((b) => Math.round(onnxFootprint(qwen, b).totalBytes));
    expect(onnxFootprintUpperBytes(qwen)).toBe(Math.max(...all));
    expect(onnxUpperSpec(qwen)).toMatchObject({ name: qwen.id, params: 494_032_768, contextTokens: 32768, kvDtype: 'fp32' });
  });

  it('the download spans the builds, the tokenizer and configs included', () => {
    expect(onnxDownloadRange(smol135)).toEqual({ min: 136_200_000, max: 202_200_000 });
  });
});

describe('onnxStoredState', () => {
  const base = 'https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct/resolve/main/';
  const q4 = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_q4.onnx'].map((f) => base + f);
  it.each<[string, string[], 'stored' | 'partial' | 'none']>([
    ['a whole q4 build (no generation config)', q4, 'stored'],
    ['the ONNX file missing', q4.slice(0, 3), 'partial'],
    ['only a file of another dtype', [`${base}onnx/model_fp16.onnx`], 'partial'],
    ['nothing', [], 'none'],
    ['another repository whose name starts alike', q4.map((u) => u.replace('SmolLM2-135M-Instruct/', 'SmolLM2-135M-Instruct-x/')), 'none'],
  ])('%s → %s', (_what, urls, state) => {
    expect(onnxStoredState(smol135, new Set(urls))).toBe(state);
  });

  it('the prefix is transformers.js\'s remote URL shape', () => {
    expect(onnxRepoBase(smol135)).toBe(base);
  });
});
