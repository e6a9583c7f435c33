import { describe, expect, it } from 'vitest';
import { CATALOG } from './catalog.ts';
import { groupChoices, modelChoices, type ModelAvailability, type ModelChoice } from './model-choices.ts';

describe('modelChoices', () => {
  const choices = modelChoices(CATALOG, new Set(['wf-tiny']), new Set(['Qwen2.5-0.5B-Instruct', 'onnx-community/Qwen2.5-0.5B-Instruct']));
  const byId = new Map(choices.map((c) => [c.id, c]));

  it.each<[string, ModelAvailability, string]>([
    ['wf-tiny', 'bundled', 'wf-tiny (test model, ~100 KB)'],
    ['wf-stories15m', 'not-generated', 'wf-stories15m (15M, random weights) — not generated'],
    ['SmolLM2-360M-Instruct', 'hub-download', 'SmolLM2-360M Instruct (web-llm) — download ≈ 204 MB–226 MB, needs a connection'],
    ['Llama-3.2-1B-Instruct', 'hub-download', 'Llama-3.2-1B Instruct (web-llm) — download ≈ 695 MB–772 MB, needs a connection'],
    ['Qwen2.5-0.5B-Instruct', 'hub-stored', 'Qwen2.5-0.5B Instruct (web-llm) — stored on this device'],
    ['HuggingFaceTB/SmolLM2-135M-Instruct', 'hub-download', 'SmolLM2-135M Instruct (transformers.js) — download ≈ 136 MB–202 MB, needs a connection'],
    ['onnx-community/Qwen2.5-0.5B-Instruct', 'hub-stored', 'Qwen2.5-0.5B Instruct (transformers.js) — stored on this device'],
  ])('%s: %s', (id, availability, optionLabel) => {
    expect(byId.get(id)).toMatchObject({ availability, optionLabel });
  });

  it('a hub model that needs a download names the hosts and says it needs WebGPU', () => {
    expect(byId.get('SmolLM2-360M-Instruct')!.hint).toMatch(/from huggingface\.co and raw\.githubusercontent\.com.*Needs WebGPU\.$/);
  });

  it('a transformers.js hub model names only huggingface.co and runs without WebGPU', () => {
    const hint = byId.get('HuggingFaceTB/SmolLM2-360M-Instruct')!.hint;
    expect(hint).toContain('from huggingface.co, then it is stored on this device');
    expect(hint).toMatch(/Runs on WASM or WebGPU/);
    expect(byId.get('onnx-community/Qwen2.5-0.5B-Instruct')!.hint).toMatch(/Stored on this device: it loads offline\./);
  });

  it('while the manifest is being read, calls no bundled model "not generated"', () => {
    const early = modelChoices(CATALOG, null, new Set());
    expect(early.filter((c) => c.availability === 'not-generated')).toEqual([]);
    expect(early.find((c) => c.id === 'wf-stories15m')).toMatchObject({ availability: 'bundled', optionLabel: 'wf-stories15m (15M, random weights)' });
  });

  it('keeps the catalog order, one choice per entry', () => {
    expect(choices.map((c) => c.id)).toEqual(CATALOG.map((m) => m.id));
  });
});

describe('groupChoices', () => {
  const choice = (id: string, availability: ModelAvailability, needsWebGpu = false): ModelChoice => ({ id, availability, optionLabel: id, hint: '', needsWebGpu });
  const all = [
    choice('wf-tiny', 'bundled'),
    choice('wf-big', 'not-generated'),
    choice('webllm-a', 'hub-download', true),
    choice('webllm-b', 'hub-stored', true),
    choice('onnx-a', 'hub-download'),
    choice('remote:host/m', 'remote'),
    choice('file:my.gguf@1#ab', 'file'),
  ];
  const shape = (groups: ReturnType<typeof groupChoices>['groups']) => groups.map((g) => [g.label, g.choices.map((c) => c.id)]);

  it.each<[string, { webGpu: boolean; selectedId: string }, Array<[string, string[]]>, string | null]>([
    [
      'with WebGPU: every model, the user’s own files and then runnable ones first',
      { webGpu: true, selectedId: 'wf-tiny' },
      [
        ['Your files', ['file:my.gguf@1#ab']],
        ['Test models in this build (no download)', ['wf-tiny']],
        ['Stored on this device', ['webllm-b']],
        ['Need a download', ['webllm-a', 'onnx-a']],
        ['On your inference servers', ['remote:host/m']],
        ['Not in this build (npm run models)', ['wf-big']],
      ],
      null,
    ],
    [
      'without WebGPU: web-llm models are left out and counted',
      { webGpu: false, selectedId: 'wf-tiny' },
      [
        ['Your files', ['file:my.gguf@1#ab']],
        ['Test models in this build (no download)', ['wf-tiny']],
        ['Need a download', ['onnx-a']],
        ['On your inference servers', ['remote:host/m']],
        ['Not in this build (npm run models)', ['wf-big']],
      ],
      '2 web-llm models are not offered: they need WebGPU, which this browser does not provide.',
    ],
    [
      'without WebGPU the selected web-llm model stays, so the select shows what is chosen',
      { webGpu: false, selectedId: 'webllm-b' },
      [
        ['Your files', ['file:my.gguf@1#ab']],
        ['Test models in this build (no download)', ['wf-tiny']],
        ['Stored on this device', ['webllm-b']],
        ['Need a download', ['onnx-a']],
        ['On your inference servers', ['remote:host/m']],
        ['Not in this build (npm run models)', ['wf-big']],
      ],
      '1 web-llm model is not offered: it needs WebGPU, which this browser does not provide.',
    ],
  ])('%s', (_, context, groups, note) => {
    const result = groupChoices(all, context);
    expect(shape(result.groups)).toEqual(groups);
    expect(result.hiddenNote).toBe(note);
  });
});
