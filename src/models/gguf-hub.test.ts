import { describe, expect, it } from 'vitest';
import { CATALOG, engineOf, isHubModel, type GgufHubModel } from './catalog.ts';
import {
  GGUF_CONTEXT_CAP,
  GGUF_HUB_CACHE,
  GGUF_HUB_MODELS,
  ggufCapacityDtype,
  ggufDownloadShort,
  ggufDownloadTotal,
  ggufHubFootprint,
  ggufHubMissing,
  ggufHubModel,
  ggufHubSpec,
  ggufHubUrl,
  ggufStoreFailure,
  ggufStorePlan,
  ggufStoredState,
} from './gguf-hub.ts';
import { ONNX_HUB_CACHE } from './onnx-hub.ts';
import { belongsTo, describeHubRow, hubStorageRows, ownerOf } from './hub-storage.ts';
import { downloadRangeOf, footprintUpperBytesOf } from './hub-figures.ts';
import { hubChoice } from './model-choices.ts';
import { hubPreflightSpec } from '../scheduler/council-preflight.ts';
import { kvCacheBytes, runtimeOverheadBytes } from '../tiers/index.ts';

const MB = 1e6;
const SMOL_Q8 = 'bartowski/SmolLM2-135M-Instruct-GGUF/SmolLM2-135M-Instruct-Q8_0.gguf';
const QWEN_Q4 = 'Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf';
const smol = ggufHubModel(SMOL_Q8)!;
const qwen = ggufHubModel(QWEN_Q4)!;

describe('the catalog’s hub GGUF files', () => {
  it.each([
    [SMOL_Q8, 'bartowski/SmolLM2-135M-Instruct-GGUF', 'SmolLM2-135M-Instruct-Q8_0.gguf', 'Q8_0', 145 * MB],
    ['bartowski/SmolLM2-135M-Instruct-GGUF/SmolLM2-135M-Instruct-Q4_K_M.gguf', 'bartowski/SmolLM2-135M-Instruct-GGUF', 'SmolLM2-135M-Instruct-Q4_K_M.gguf', 'Q4_K_M', 105 * MB],
    ['bartowski/SmolLM2-360M-Instruct-GGUF/SmolLM2-360M-Instruct-Q8_0.gguf', 'bartowski/SmolLM2-360M-Instruct-GGUF', 'SmolLM2-360M-Instruct-Q8_0.gguf', 'Q8_0', 386 * MB],
    [QWEN_Q4, 'Qwen/Qwen2.5-0.5B-Instruct-GGUF', 'qwen2.5-0.5b-instruct-q4_k_m.gguf', 'Q4_K_M', 491 * MB],
  ])('%s: repository, file, quantization, size; run by wllama', (id, repo, file, quantization, bytes) => {
    const model = ggufHubModel(id);
    expect(model).toMatchObject({ source: 'hub-gguf', engine: 'wllama', repo, file, quantization, fileBytes: bytes });
    expect(engineOf(id)).toBe('wllama');
    expect(isHubModel(model!)).toBe(true);
  });

  it('every entry’s id is its repository and file, each once', () => {
    for (const model of GGUF_HUB_MODELS) expect(model.id).toBe(`${model.repo}/${model.file}`);
    expect(new Set(CATALOG.map((m) => m.id)).size).toBe(CATALOG.length);
  });

  it.each([['wf-tiny-gguf-q8_0'], ['HuggingFaceTB/SmolLM2-135M-Instruct'], ['bartowski/SmolLM2-135M-Instruct-GGUF'], ['no-such']])('%s is not a hub GGUF file', (id) => {
    expect(ggufHubModel(id)).toBeNull();
  });
});

describe('ggufHubUrl', () => {
  it.each([
    [{ repo: 'bartowski/SmolLM2-135M-Instruct-GGUF', file: 'SmolLM2-135M-Instruct-Q8_0.gguf' }, 'https://huggingface.co/bartowski/SmolLM2-135M-Instruct-GGUF/resolve/main/SmolLM2-135M-Instruct-Q8_0.gguf'],
    [{ repo: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF', file: 'qwen2.5-0.5b-instruct-q4_k_m.gguf' }, 'https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf'],
    // A file in a folder of the repository keeps its slashes; anything else a URL would misread is escaped.
    [{ repo: 'o/r', file: 'Q8_0/model part#1.gguf' }, 'https://huggingface.co/o/r/resolve/main/Q8_0/model%20part%231.gguf'],
  ])('%o → %s', (model, url) => {
    expect(ggufHubUrl(model)).toBe(url);
  });
});

describe('ggufCapacityDtype', () => {
  it.each([
    ['Q8_0', 'q8'],
    ['q8_0', 'q8'],
    ['Q4_K_M', 'q4'],
    ['Q4_0', 'q4'],
    ['Q5_K_S', 'q4'],
    ['Q6_K', 'q4'],
    ['IQ4_XS', 'q4'],
    ['F16', 'fp16'],
    ['BF16', 'fp16'],
    ['F32', 'fp32'],
  ])('%s counts as %s', (quantization, dtype) => {
    expect(ggufCapacityDtype(quantization)).toBe(dtype);
  });
});

describe('what the pre-flight counts before the download', () => {
  it.each([
    // SmolLM2-135M: 30 layers × 2 × 3 KV heads × 64 × 4096 tokens (its 8192 capped) × 2 B.
    [smol, 'q8', 30 * 2 * 3 * 64 * GGUF_CONTEXT_CAP * 2],
    // Qwen2.5-0.5B: 24 × 2 × 2 × 64 × 4096 (its 32768 capped) × 2 B.
    [qwen, 'q4', 24 * 2 * 2 * 64 * GGUF_CONTEXT_CAP * 2],
  ] as const)('%o: the file, an f16 KV cache at the capped context, the overhead', (model: GgufHubModel, dtype, kvBytes) => {
    const spec = ggufHubSpec(model);
    expect(spec).toMatchObject({ name: model.id, dtype, kvDtype: 'fp16', contextTokens: GGUF_CONTEXT_CAP, storedWeights: { dtype, bytes: model.fileBytes } });
    expect(kvCacheBytes(spec, spec.contextTokens)).toBe(kvBytes);
    const footprint = ggufHubFootprint(model);
    expect(footprint.weightsBytes).toBe(model.fileBytes);
    expect(footprint.totalBytes).toBe(model.fileBytes + kvBytes + runtimeOverheadBytes(model.fileBytes));
    expect(hubPreflightSpec(model)).toEqual(spec);
    expect(footprintUpperBytesOf(model)).toBe(Math.round(footprint.totalBytes));
    expect(downloadRangeOf(model)).toEqual({ min: model.fileBytes, max: model.fileBytes });
  });
});

describe('stored or not, and whose entry it is', () => {
  const url = ggufHubUrl(smol);
  it.each([
    [new Set([url]), 'stored'],
    [new Set<string>(), 'none'],
    // The other quantization of the same repository is another model.
    [new Set([url.replace('Q8_0', 'Q4_K_M')]), 'none'],
  ] as const)('%o → %s', (urls, state) => {
    expect(ggufStoredState(smol, urls)).toBe(state);
  });

  it.each([
    [GGUF_HUB_CACHE, url, SMOL_Q8],
    [GGUF_HUB_CACHE, url.replace('Q8_0', 'Q4_K_M'), 'bartowski/SmolLM2-135M-Instruct-GGUF/SmolLM2-135M-Instruct-Q4_K_M.gguf'],
    [GGUF_HUB_CACHE, 'https://huggingface.co/bartowski/SmolLM2-135M-Instruct-GGUF/resolve/main/README.md', null],
    [ONNX_HUB_CACHE, url, null],
  ])('%s %s belongs to %s', (cache, entryUrl, owner) => {
    expect(ownerOf(CATALOG, cache, entryUrl)?.id ?? null).toBe(owner);
    if (owner === SMOL_Q8) expect(belongsTo(smol, cache, entryUrl)).toBe(true);
  });

  it('a stored file is one row of the storage panel, said to be llama.cpp’s', () => {
    const rows = hubStorageRows(CATALOG, [{ cache: GGUF_HUB_CACHE, url, bytes: 44_000 }], new Set([SMOL_Q8]));
    expect(rows).toEqual([{ id: SMOL_Q8, label: smol.label, engine: 'wllama', status: 'stored', storedBytes: 44_000, entries: 1 }]);
    expect(describeHubRow(rows[0]!)).toBe('stored for offline use (llama.cpp, 1 files)');
  });
});

describe('the model select', () => {
  it.each([
    [false, 'hub-download', 'SmolLM2-135M Instruct (GGUF Q8_0, llama.cpp) — download ≈ 145 MB, needs a connection', 'The first load downloads about 145 MB from huggingface.co'],
    [true, 'hub-stored', 'SmolLM2-135M Instruct (GGUF Q8_0, llama.cpp) — stored on this device', 'Stored on this device: it loads offline. Runs on WASM through llama.cpp (wllama).'],
  ] as const)('stored %s → %s', (stored, availability, optionLabel, hint) => {
    const choice = hubChoice(smol, stored);
    expect(choice).toMatchObject({ availability, optionLabel, needsWebGpu: false });
    expect(choice.hint).toContain(hint);
    expect(choice.hint).not.toContain('the build depends on the device');
  });
});

describe('the download', () => {
  it.each([
    [145 * MB, null, 145 * MB],
    [145 * MB, '44032', 44_032],
    [145 * MB, '0', 145 * MB],
    [145 * MB, 'junk', 145 * MB],
  ])('catalog %d, Content-Length %s → total %d', (catalogBytes, length, total) => {
    expect(ggufDownloadTotal(catalogBytes, length)).toBe(total);
  });

  it.each([
    ['44032', 44_032, null],
    ['44032', 50_000, null],
    [null, 10, null],
    ['44032', 30_000, 'The download of SmolLM2-135M-Instruct-Q8_0.gguf from huggingface.co stopped at 30,000 of 44,032 bytes; nothing was stored. Load it again.'],
  ])('Content-Length %s, received %d → %s', (length, received, text) => {
    expect(ggufDownloadShort(smol, length, received)).toBe(text);
  });

  it('a file the hub does not serve is named with its repository and the status', () => {
    expect(ggufHubMissing(qwen, 404)).toBe('huggingface.co does not serve qwen2.5-0.5b-instruct-q4_k_m.gguf from Qwen/Qwen2.5-0.5B-Instruct-GGUF (HTTP 404). The file may have been renamed or removed there.');
  });
});

describe('ggufStorePlan: whether the file is kept, decided before the download', () => {
  it.each([
    [145 * MB, null, { store: true }],
    [145 * MB, { usage: 10 * MB, quota: 1000 * MB }, { store: true }],
    [145 * MB, { usage: 855 * MB, quota: 1000 * MB }, { store: true }],
    [145 * MB, { usage: 900 * MB, quota: 1000 * MB }, { store: false, reason: 'not stored: it needs 145 MB and this site has 100 MB left (it uses 900 MB of 1.0 GB)' }],
    [145 * MB, { usage: 1200 * MB, quota: 1000 * MB }, { store: false, reason: 'not stored: it needs 145 MB and this site has 0 B left (it uses 1.2 GB of 1.0 GB)' }],
  ])('file %d, estimate %o → %o', (fileBytes, estimate, plan) => {
    expect(ggufStorePlan(fileBytes, estimate)).toEqual(plan);
  });
});

describe('ggufStoreFailure: a write refused after the download', () => {
  it.each([
    [{ name: 'QuotaExceededError', message: 'Quota exceeded.' }, 'not stored: the browser refused the space (storage is full)'],
    [{ name: 'InvalidStateError', message: 'The cache was deleted. ' }, 'not stored: The cache was deleted'],
    [{ name: 'TypeError', message: '' }, 'not stored: TypeError'],
  ])('%o → %s', (error, text) => {
    expect(ggufStoreFailure(error)).toBe(text);
  });
});
