import { describe, expect, it } from 'vitest';
import { CATALOG } from './catalog.ts';
import { belongsTo, describeHubRow, hubStorageRows, ownerOf, type CachedEntry } from './hub-storage.ts';
import { onnxHubModel } from './onnx-hub.ts';

const hf = 'https://huggingface.co';
const smolMlc = `${hf}/mlc-ai/SmolLM2-360M-Instruct-q4f32_1-MLC/resolve/main/`;
const smolLib = 'https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/main/web-llm-models/v0_2_86/base/SmolLM2-360M-Instruct-q4f32_1_cs1k-webgpu.wasm';
const smolOnnx = `${hf}/HuggingFaceTB/SmolLM2-135M-Instruct/resolve/main/`;

describe('ownerOf', () => {
  it.each<[string, string, string | null]>([
    ['webllm/model', `${smolMlc}params_shard_0.bin`, 'SmolLM2-360M-Instruct'],
    ['webllm/model', `${smolMlc}tokenizer.json`, 'SmolLM2-360M-Instruct'],
    ['webllm/config', `${smolMlc}mlc-chat-config.json`, 'SmolLM2-360M-Instruct'],
    ['webllm/wasm', smolLib, 'SmolLM2-360M-Instruct'],
    // A library URL is matched exactly, never by prefix; weights never in the wasm scope.
    ['webllm/wasm', `${smolLib}.old`, null],
    ['webllm/wasm', `${smolMlc}params_shard_0.bin`, null],
    ['transformers-cache', `${smolOnnx}onnx/model_q4.onnx`, 'HuggingFaceTB/SmolLM2-135M-Instruct'],
    // The same repository in web-llm's scope, or transformers.js's files of a repository the catalog does not list.
    ['webllm/model', `${smolOnnx}onnx/model_q4.onnx`, null],
    ['transformers-cache', `${hf}/HuggingFaceTB/SmolLM2-135M-Instruct-extra/resolve/main/config.json`, null],
    ['transformers-cache', `${hf}/onnx-community/Qwen2.5-0.5B-Instruct/resolve/main/tokenizer.json`, 'onnx-community/Qwen2.5-0.5B-Instruct'],
    ['webllm/model', `${hf}/mlc-ai/Qwen2.5-0.5B-Instruct-q4f16_1-MLC/resolve/main/tensor-cache.json`, 'Qwen2.5-0.5B-Instruct'],
  ])('%s %s → %s', (cache, url, owner) => {
    expect(ownerOf(CATALOG, cache, url)?.id ?? null).toBe(owner);
  });
});

describe('hubStorageRows', () => {
  const entries: CachedEntry[] = [
    { cache: 'transformers-cache', url: `${smolOnnx}config.json`, bytes: 800 },
    { cache: 'transformers-cache', url: `${smolOnnx}onnx/model_q4.onnx`, bytes: 200_000_000 },
    { cache: 'webllm/model', url: `${smolMlc}params_shard_0.bin`, bytes: 30_000_000 },
    { cache: 'webllm/wasm', url: smolLib, bytes: 4_000_000 },
    { cache: 'transformers-cache', url: 'http://127.0.0.1:4173/ort/ort-wasm.wasm', bytes: 9_000_000 },
  ];

  it('one row per model with anything stored, in catalog order, sizes summed', () => {
    const rows = hubStorageRows(CATALOG, entries, new Set(['HuggingFaceTB/SmolLM2-135M-Instruct']));
    expect(rows).toEqual([
      { id: 'SmolLM2-360M-Instruct', label: 'SmolLM2-360M Instruct (web-llm)', engine: 'web-llm', status: 'partial', storedBytes: 34_000_000, entries: 2 },
      { id: 'HuggingFaceTB/SmolLM2-135M-Instruct', label: 'SmolLM2-135M Instruct (transformers.js)', engine: 'transformers', status: 'stored', storedBytes: 200_000_800, entries: 2 },
    ]);
  });

  it('nothing stored, no rows', () => {
    expect(hubStorageRows(CATALOG, [], new Set())).toEqual([]);
  });

  it('a deletion removes only that model\'s entries', () => {
    const model = onnxHubModel('HuggingFaceTB/SmolLM2-135M-Instruct')!;
    expect(entries.filter((e) => belongsTo(model, e.cache, e.url)).map((e) => e.url)).toEqual([`${smolOnnx}config.json`, `${smolOnnx}onnx/model_q4.onnx`]);
  });

  it.each([
    ['stored', 'transformers', 'stored for offline use (transformers.js, 5 files)'],
    ['partial', 'web-llm', 'partly stored (web-llm, 5 files): needs a download to run'],
  ] as const)('%s %s row reads %s', (status, engine, text) => {
    expect(describeHubRow({ id: 'x', label: 'x', engine, status, storedBytes: 1, entries: 5 })).toBe(text);
  });
});
