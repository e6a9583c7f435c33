import { describe, expect, it } from 'vitest';
import { bundledBuildFor, dtypeOptions } from './bundled-builds.ts';
import type { ManifestModel } from './manifest.ts';

const stories: ManifestModel = {
  id: 'wf-stories15m',
  name: 'stories',
  architecture: 'LlamaForCausalLM',
  parameters: 15_191_712,
  shapeOf: '',
  files: [
    { path: 'config.json', bytes: 1_000, sha256: 'a' },
    { path: 'tokenizer.json', bytes: 500_000, sha256: 'b' },
    { path: 'onnx/model.onnx', bytes: 60_793_891, sha256: 'c' },
  ],
  builds: [
    { dtype: 'fp32', path: 'onnx/model.onnx', bytes: 60_793_891, sha256: 'c' },
    { dtype: 'q8', path: 'onnx/model_quantized.onnx', bytes: 15_503_756, sha256: 'd' },
    { dtype: 'q4', path: 'onnx/model_q4.onnx', bytes: 46_406_620, sha256: 'e' },
    { dtype: 'fp16', path: 'onnx/model_fp16.onnx', bytes: 30_410_415, sha256: 'f' },
  ],
};

describe('bundledBuildFor', () => {
  it.each([
    ['auto', 'wasm', false, 'fp32', 60_793_891, /fp32 build \(the default/],
    ['q8', 'wasm', false, 'q8', 15_503_756, /q8 build \(8-bit.*chosen by hand/],
    ['q4', 'webgpu', false, 'q4', 46_406_620, /q4 build/],
    ['fp16', 'wasm', false, 'fp16', 30_410_415, /fp16 build/],
    ['fp16', 'webgpu', true, 'fp16', 30_410_415, /fp16 build/],
  ] as const)('%s on %s (shader-f16 %s) loads %s, footprint = its files', (preference, device, f16, dtype, onnxBytes, reason) => {
    const choice = bundledBuildFor(stories, preference, device, f16);
    expect(choice).toMatchObject({ ok: true, dtype });
    if (!choice.ok) return;
    expect(choice.bytes).toBe(501_000 + onnxBytes);
    expect(choice.files.map((f) => f.path)).toEqual(['config.json', 'tokenizer.json', stories.builds!.find((b) => b.dtype === dtype)!.path]);
    expect(choice.reason).toMatch(reason);
  });

  it('refuses fp16 on a WebGPU adapter without shader-f16, as transformers.js would', () => {
    expect(bundledBuildFor(stories, 'fp16', 'webgpu', false)).toMatchObject({ ok: false, problem: 'unsupported', reason: expect.stringMatching(/needs a WebGPU adapter with shader-f16/) });
  });

  it('names the builds there are when the asked-for one is missing', () => {
    const old: ManifestModel = { ...stories, builds: undefined };
    expect(bundledBuildFor(old, 'q4', 'wasm', false)).toEqual({
      ok: false,
      problem: 'missing',
      reason: 'wf-stories15m has no q4 build on this server (its builds: fp32). Regenerate it with "npm run models".',
    });
  });
});

describe('dtypeOptions', () => {
  it('offers Auto and each build with its file size for a bundled model', () => {
    expect(dtypeOptions(stories)).toEqual([
      { value: 'auto', label: 'Auto (fp32)' },
      { value: 'fp32', label: 'fp32 — 60.8 MB' },
      { value: 'q8', label: 'q8 — 15.5 MB' },
      { value: 'q4', label: 'q4 — 46.4 MB' },
      { value: 'fp16', label: 'fp16 — 30.4 MB' },
    ]);
  });

  it('offers Auto alone for a model without a manifest entry (a hub model)', () => {
    expect(dtypeOptions(undefined)).toEqual([{ value: 'auto', label: 'Auto (the build for the device)' }]);
  });
});
