import { describe, expect, it } from 'vitest';
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import { hubArtifacts } from '../workers/webllm-policy.ts';
import { CATALOG, HUB_LIBRARY_HOST, HUB_WEIGHTS_HOST, engineOf, hubWeightsBase, hubBuild, hubDownloadBytes, hubDownloadRange, hubFootprintBytes, hubFootprintUpperBytes, type HubModel } from './catalog.ts';

const hubModels = CATALOG.filter((m): m is HubModel => m.source === 'hub');

describe('the hub models agree with the installed web-llm', () => {
  const builds = hubModels.flatMap((model) => Object.entries(model.builds).map(([variant, build]) => ({ model, variant, build })));

  it.each(builds.map((b) => [b.build.mlcModelId, b] as const))('%s', (_id, { variant, build }) => {
    const record = prebuiltAppConfig.model_list.find((r) => r.model_id === build.mlcModelId);
    expect(record, `${build.mlcModelId} is in prebuiltAppConfig`).toBeDefined();
    expect(record!.vram_required_MB).toBe(build.vramRequiredMiB);
    expect(build.mlcModelId).toContain(variant);
    expect(new URL(record!.model).host).toBe(HUB_WEIGHTS_HOST);
    expect(new URL(record!.model_lib).host).toBe(HUB_LIBRARY_HOST);
    expect(build.modelLib).toBe(record!.model_lib);
    expect(hubArtifacts(record!).configUrl).toBe(`${hubWeightsBase(build)}mlc-chat-config.json`);
    // Only f16 builds may demand shader-f16: the f32 build is the one for adapters without it.
    if (variant === 'q4f32_1') expect(record!.required_features ?? []).not.toContain('shader-f16');
  });
});

it('no two catalog builds share a library, so deleting one build\'s never removes another\'s', () => {
  const libs = hubModels.flatMap((m) => Object.values(m.builds).map((b) => b.modelLib));
  expect(new Set(libs).size).toBe(libs.length);
});

describe('catalog lookups', () => {
  it('finds a build by catalog id and variant, or by its exact web-llm id', () => {
    expect(hubBuild('SmolLM2-360M-Instruct', 'q4f32_1')?.build.mlcModelId).toBe('SmolLM2-360M-Instruct-q4f32_1-MLC');
    expect(hubBuild('SmolLM2-360M-Instruct', 'q4f16_1')?.build.mlcModelId).toBe('SmolLM2-360M-Instruct-q4f16_1-MLC');
    // An exact id keeps its own variant whatever the adapter prefers.
    expect(hubBuild('Llama-3.2-1B-Instruct-q4f16_1-MLC', 'q4f32_1')).toMatchObject({ variant: 'q4f16_1', model: { id: 'Llama-3.2-1B-Instruct' } });
    expect(hubBuild('wf-tiny', 'q4f32_1')).toBeNull();
    expect(hubBuild('no-such-model', 'q4f32_1')).toBeNull();
  });

  it.each([
    ['wf-tiny', 'transformers'],
    ['Qwen2.5-0.5B-Instruct', 'web-llm'],
    ['onnx-community/Qwen2.5-0.5B-Instruct', 'transformers'],
    ['unknown', 'transformers'],
  ])('engineOf(%s) = %s', (id, engine) => {
    expect(engineOf(id)).toBe(engine);
  });
});

describe('hub figures', () => {
  const smol = hubModels.find((m) => m.id === 'SmolLM2-360M-Instruct')!;
  const llama = hubModels.find((m) => m.id === 'Llama-3.2-1B-Instruct')!;

  it.each([
    [smol, 'q4f32_1', 579.61 * 1048576],
    [smol, 'q4f16_1', 376.06 * 1048576],
    [llama, 'q4f32_1', 1128.82 * 1048576],
  ] as const)('footprint of %s %s is web-llm\'s figure in bytes', (model, variant, bytes) => {
    expect(hubFootprintBytes(model.builds[variant])).toBe(Math.round(bytes));
  });

  it('before the adapter is known, admission counts the larger build', () => {
    expect(hubFootprintUpperBytes(smol)).toBe(hubFootprintBytes(smol.builds.q4f32_1));
    expect(hubFootprintUpperBytes(llama)).toBe(hubFootprintBytes(llama.builds.q4f32_1));
  });

  it.each([
    // 4.5 and 5 bits per parameter.
    [smol, 'q4f16_1', 203_524_380],
    [smol, 'q4f32_1', 226_138_200],
    [llama, 'q4f16_1', 695_145_600],
    [llama, 'q4f32_1', 772_384_000],
  ] as const)('download estimate of %s %s', (model, variant, bytes) => {
    expect(hubDownloadBytes(model, variant)).toBe(bytes);
  });

  it('the download range spans the builds', () => {
    expect(hubDownloadRange(llama)).toEqual({ min: 695_145_600, max: 772_384_000 });
  });
});
