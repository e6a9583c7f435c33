import { describe, expect, it } from 'vitest';
import { GREEDY } from '../models/sampling.ts';
import type { GgufHeader } from '../models/gguf-header.ts';
import { EngineError } from './errors.ts';
import {
  contextOverflowOf,
  chooseWllamaDevice,
  contextTokensFor,
  describeWllamaFailure,
  finishReasonOf,
  ggufBudgetRefusal,
  ggufCheckError,
  kvCacheBytesOf,
  llamaCppSamplingOf,
  timingsFromLlamaCpp,
  wllamaFootprintBytes,
  wllamaThreads,
} from './wllama-policy.ts';

function header(metadata: Record<string, number | string>): GgufHeader {
  return { version: 3, metadata: new Map(Object.entries(metadata)), tensors: [], alignment: 32, dataOffset: 0, requiredBytes: 0, typeCounts: {} };
}

/** wf-stories15m's shape as its GGUF metadata says it. */
const STORIES = header({
  'general.architecture': 'llama',
  'llama.context_length': 256,
  'llama.block_count': 6,
  'llama.attention.head_count': 6,
  'llama.attention.head_count_kv': 6,
  'llama.embedding_length': 288,
});

describe('chooseWllamaDevice', () => {
  it.each([
    ['auto', true, /^WASM: GGUF models run on llama.cpp/],
    ['wasm', true, /^WASM \(chosen\)/],
    ['webgpu', false, /does not use its WebGPU backend\. Choose Auto or WASM\./],
  ] as const)('%s → ok %s', (preference, ok, reason) => {
    const choice = chooseWllamaDevice(preference, 'wf-tiny-gguf-q4_0');
    expect(choice.ok).toBe(ok);
    expect(choice.reason).toMatch(reason);
  });
});

describe('wllamaThreads', () => {
  it.each([
    [{ crossOriginIsolated: false, hardwareConcurrency: 8, parameters: 135e6 }, 1, /not cross-origin isolated/],
    [{ crossOriginIsolated: true, hardwareConcurrency: 8, parameters: 35e3 }, 1, /small model/],
    [{ crossOriginIsolated: true, hardwareConcurrency: 2, parameters: 15e6 }, 1, /small model/],
    [{ crossOriginIsolated: true, hardwareConcurrency: 8, parameters: 15e6 }, 4, /4 threads \(cross-origin isolated\)/],
    [{ crossOriginIsolated: true, hardwareConcurrency: 2, parameters: 135e6 }, 2, /2 threads/],
    [{ crossOriginIsolated: true, hardwareConcurrency: 2, parameters: 35e3, requested: 2 }, 2, /^2 threads, as asked$/],
    [{ crossOriginIsolated: true, hardwareConcurrency: 2, parameters: 35e3, requested: 4 }, 2, /^2 threads, 4 asked: this machine gives at most 2$/],
    [{ crossOriginIsolated: false, hardwareConcurrency: 8, parameters: 35e3, requested: 2 }, 1, /^1 thread, 2 asked: the page is not cross-origin isolated$/],
  ])('%o → %i', (inputs, threads, reason) => {
    const choice = wllamaThreads(inputs);
    expect(choice.threads).toBe(threads);
    expect(choice.reason).toMatch(reason);
  });
});

describe('context and footprint', () => {
  it('takes the model’s context, capped at 4096', () => {
    expect(contextTokensFor(STORIES)).toBe(256);
    expect(contextTokensFor(header({ 'general.architecture': 'qwen2', 'qwen2.context_length': 32768 }))).toBe(4096);
    expect(contextTokensFor(header({}))).toBe(2048);
  });

  it('counts an f16 KV cache from the metadata: layers × 2 × KV heads × head dim × tokens × 2 B', () => {
    expect(kvCacheBytesOf(STORIES, 256)).toBe(6 * 6 * (48 + 48) * 256 * 2);
    const gqa = header({ 'llama.block_count': 2, 'llama.attention.head_count': 2, 'llama.attention.head_count_kv': 1, 'llama.attention.key_length': 16, 'llama.embedding_length': 32 });
    expect(kvCacheBytesOf(gqa, 2048)).toBe(2 * 1 * 32 * 2048 * 2);
  });

  it('refuses a model over the budget with the numbers, and accepts one under it', () => {
    const footprint = wllamaFootprintBytes(61_398_560, STORIES, 256);
    expect(ggufBudgetRefusal('s.gguf', STORIES, 61_398_560, footprint)).toBeNull();
    expect(ggufBudgetRefusal('s.gguf', STORIES, 61_398_560, 50e6)).toMatch(
      /^s\.gguf needs about \d+ MB \(file 61 MB, KV cache 2 MB at 256 tokens, runtime overhead\) but this device's budget for models is 50 MB\./,
    );
  });

  it('adds the file, the KV cache and the runtime’s overhead', () => {
    expect(wllamaFootprintBytes(9_189_920, STORIES, 256)).toBeGreaterThan(9_189_920 + kvCacheBytesOf(STORIES, 256));
  });
});

describe('errors', () => {
  it.each([
    ['truncated', 'model-corrupt'],
    ['not-gguf', 'model-corrupt'],
    ['malformed', 'model-corrupt'],
    ['unsupported-type', 'model-unsupported'],
    ['unsupported-version', 'model-unsupported'],
    ['too-large', 'model-unsupported'],
  ] as const)('a header refused as %s is %s, with its message', (problem, code) => {
    const error = ggufCheckError({ ok: false, problem, message: `the file: ${problem}` });
    expect(error.code).toBe(code);
    expect(error.message).toBe(`the file: ${problem}`);
  });

  it.each([
    ['load', Object.assign(new Error('Error while calling start function'), { type: 'load_error' }), 'model-corrupt', /llama.cpp could not load m/],
    ['load', new Error('Aborted(Cannot enlarge memory arrays to size 4294967296 bytes)'), 'out-of-memory', /ran out of memory while loading in llama.cpp's WASM heap/],
    ['load', 'RangeError: Array buffer allocation failed', 'out-of-memory', /out of memory/],
    ['generate', Object.assign(new Error('context is full'), { type: 'kv_cache_full' }), 'prompt-too-long', /do not fit m's context window/],
    ['generate', new Error('RuntimeError: unreachable'), 'crashed', /The engine crashed while generating m/],
    ['generate', new Error('something odd'), 'generation-failed', /^Generation failed: something odd/],
    // Seen with wf-tiny (a token per byte) once its answer reached byte 0x80; it read as an unreadable configuration file before.
    ['generate', new Error('Invalid typed array length: 1163217991: [json.exception.type_error.316] invalid UTF-8 byte at index 0: 0x80'), 'generation-failed', /stopped m's answer at a token that is not whole UTF-8 text on its own/],
    ['load', new Error('something odd'), 'generation-failed', /^m could not be loaded: something odd/],
  ] as const)('%s: %s → %s', (stage, thrown, code, message) => {
    const error = describeWllamaFailure('m', stage, thrown);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it('passes an EngineError through', () => {
    const original = new EngineError('busy', 'busy');
    expect(describeWllamaFailure('m', 'generate', original)).toBe(original);
  });
});

describe('timingsFromLlamaCpp', () => {
  it('maps llama.cpp’s timings, leaving out what it did not report', () => {
    expect(timingsFromLlamaCpp({ prompt_n: 7, prompt_ms: 12.5, prompt_per_second: 560, predicted_n: 16, predicted_ms: 40, predicted_per_token_ms: 2.5, predicted_per_second: 400 })).toEqual({
      source: 'llama.cpp timings',
      ttftMs: 12.5,
      prefillTps: 560,
      decodeTps: 400,
      timePerOutputTokenMs: 2.5,
      e2eLatencyMs: 52.5,
    });
    expect(timingsFromLlamaCpp({ predicted_per_second: 90 })).toMatchObject({ ttftMs: null, decodeTps: 90, e2eLatencyMs: null });
    expect(timingsFromLlamaCpp({ prompt_ms: Number.NaN })).toBeNull();
    expect(timingsFromLlamaCpp(undefined)).toBeNull();
  });

  it.each([
    ['stop', false, false, 'eos'],
    ['length', false, false, 'length'],
    ['length', false, true, 'context'],
    [null, true, false, 'aborted'],
  ] as const)('finish %s (aborted %s, cut %s) → %s', (reason, aborted, cut, expected) => {
    expect(finishReasonOf(reason, aborted, cut)).toBe(expected);
  });
});

describe('llamaCppSamplingOf', () => {
  it.each([
    ['absent settings: greedy', undefined, { temperature: 0, repeat_penalty: 1 }],
    ['greedy keeps a repetition penalty, drops the rest', { ...GREEDY, repetitionPenalty: 1.3, seed: 5, topK: 3 }, { temperature: 0, repeat_penalty: 1.3 }],
    ['sampling sends every filter, off included (llama.cpp’s defaults are not off)', { ...GREEDY, temperature: 0.8 }, { temperature: 0.8, repeat_penalty: 1, top_k: 0, top_p: 1, min_p: 0 }],
    ['a seed', { ...GREEDY, temperature: 1, topK: 40, topP: 0.9, minP: 0.05, seed: 0 }, { temperature: 1, repeat_penalty: 1, top_k: 40, top_p: 0.9, min_p: 0.05, seed: 0 }],
  ] as const)('%s', (_, settings, expected) => {
    expect(llamaCppSamplingOf(settings as never)).toEqual(expected);
  });
});

describe('contextOverflowOf', () => {
  it.each<[string, unknown, { promptTokens: number; contextTokens: number } | null]>([
    ['llama-server’s refusal', new Error('request (3000 tokens) exceeds the available context size (2048 tokens), try increasing it'), { promptTokens: 3000, contextTokens: 2048 }],
    ['the same as a plain string', 'request (12 tokens) exceeds the available context size (4 tokens)', { promptTokens: 12, contextTokens: 4 }],
    ['a KV cache that filled mid-generation', new Error('kv_cache_full'), null],
    ['anything else', new Error('Aborted()'), null],
  ])('%s', (_name, thrown, expected) => {
    expect(contextOverflowOf(thrown)).toEqual(expected);
  });
});
