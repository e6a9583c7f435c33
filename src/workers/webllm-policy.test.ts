import { describe, expect, it } from 'vitest';
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import type { DevicePreference, LoadProgress } from './engine.ts';
import { GREEDY } from '../models/sampling.ts';
import {
  contextOverflowOf,
  chooseWebLlmBuild,
  finishReasonOf,
  hubArtifacts,
  progressFromReport,
  webLlmSamplingOf,
  timingsFromUsage,
  unreachableHost,
  type UsageLike,
  type WebGpuProbe,
} from './webllm-policy.ts';

const hardware: WebGpuProbe = { webgpuApi: true, adapterFound: true, isFallbackAdapter: false, features: [] };
const withF16: WebGpuProbe = { ...hardware, features: ['shader-f16', 'timestamp-query'] };
const software: WebGpuProbe = { ...hardware, isFallbackAdapter: true };
const noAdapter: WebGpuProbe = { webgpuApi: true, adapterFound: false, isFallbackAdapter: false, features: [] };
const noApi: WebGpuProbe = { webgpuApi: false, adapterFound: false, isFallbackAdapter: false, features: [] };

describe('chooseWebLlmBuild', () => {
  it.each<[DevicePreference, WebGpuProbe, string | null, RegExp]>([
    ['auto', withF16, 'q4f16_1', /^WebGPU, q4f16_1 build/],
    ['webgpu', withF16, 'q4f16_1', /^WebGPU, q4f16_1 build/],
    ['auto', hardware, 'q4f32_1', /no 16-bit float shaders/],
    ['webgpu', software, 'q4f32_1', /software adapter \(asked for; very slow\)/],
    ['auto', software, null, /only a software WebGPU adapter.*Choose WebGPU/],
    ['wasm', withF16, null, /runs on WebGPU only/],
    ['auto', noAdapter, null, /found no WebGPU adapter/],
    ['webgpu', noApi, null, /has no WebGPU/],
  ])('%s on %j → %s', (preference, probe, variant, reason) => {
    const choice = chooseWebLlmBuild(preference, probe, 'M');
    expect(choice.ok ? choice.variant : null).toBe(variant);
    expect(choice.reason).toMatch(reason);
  });
});

describe('progressFromReport', () => {
  const MiB = 1024 * 1024;
  it.each<[string, { progress: number; text: string }, LoadProgress]>([
    ['start of the download', { progress: 0, text: 'Start to fetch params' }, { phase: 'fetch', loadedBytes: 0, totalBytes: 1000 * MiB }],
    [
      'fetched megabytes and the fraction give the real total',
      { progress: 0.25, text: 'Fetching param cache[6/24]: 50MB fetched. 25% completed, 3 secs elapsed. It can take a while…' },
      { phase: 'fetch', loadedBytes: 50 * MiB, totalBytes: 200 * MiB },
    ],
    [
      'from the cache onto the GPU',
      { progress: 0.5, text: 'Loading model from cache[12/24]: 100MB loaded. 50% completed, 1 secs elapsed.' },
      { phase: 'init', loadedBytes: 100 * MiB, totalBytes: 200 * MiB },
    ],
    ['megabytes before any fraction', { progress: 0, text: 'Fetching param cache[0/24]: 0MB fetched. 0% completed' }, { phase: 'fetch', loadedBytes: 0, totalBytes: 1000 * MiB }],
    ['shader compilation', { progress: 0.3, text: 'Loading GPU shader modules[3/10]: 30% completed, 1 secs elapsed.' }, { phase: 'init', loadedBytes: 1000 * MiB, totalBytes: 1000 * MiB }],
    ['a nonsense fraction', { progress: Number.NaN, text: 'Fetching param cache' }, { phase: 'fetch', loadedBytes: 0, totalBytes: 1000 * MiB }],
  ])('%s', (_what, report, expected) => {
    expect(progressFromReport({ ...report, timeElapsed: 0 }, 1000 * MiB)).toEqual(expected);
  });
});

describe('timingsFromUsage', () => {
  const usage = (extra: UsageLike['extra'], prompt = 12, completion = 5): UsageLike => ({ prompt_tokens: prompt, completion_tokens: completion, extra });
  const fullExtra = { e2e_latency_s: 1.5, prefill_tokens_per_s: 400, decode_tokens_per_s: 50, time_to_first_token_s: 0.03, time_per_output_token_s: 0.02 };
  const stream = { startedAtMs: 1000, tokenTimesMs: [1100, 1120, 1140, 1160, 1180] };

  it.each<[string, UsageLike | null, typeof stream, ReturnType<typeof timingsFromUsage>]>([
    [
      'full usage: counts from web-llm, prefill placed before the first piece, its rates kept',
      usage(fullExtra),
      stream,
      {
        promptTokens: 12,
        outputTokens: 5,
        promptReadyAtMs: 1070,
        engineTimings: { source: 'web-llm usage.extra', ttftMs: 30, prefillTps: 400, decodeTps: 50, timePerOutputTokenMs: 20, e2eLatencyMs: 1500 },
      },
    ],
    [
      'pieces merged tokens: web-llm\'s count wins',
      usage(fullExtra, 12, 8),
      stream,
      expect.objectContaining({ outputTokens: 8 }) as never,
    ],
    [
      'a prefill longer than the request is clamped to its start',
      usage({ ...fullExtra, time_to_first_token_s: 5 }),
      stream,
      expect.objectContaining({ promptReadyAtMs: 1000 }) as never,
    ],
    [
      'no usage (the stream was cut): our own counts',
      null,
      stream,
      { promptTokens: 0, outputTokens: 5, promptReadyAtMs: 1000, engineTimings: null },
    ],
    [
      'no tokens at all',
      usage(fullExtra, 12, 0),
      { startedAtMs: 1000, tokenTimesMs: [] },
      expect.objectContaining({ outputTokens: 0, promptReadyAtMs: 1000 }) as never,
    ],
    [
      'missing and non-finite figures become null, not zero',
      usage({ decode_tokens_per_s: Number.POSITIVE_INFINITY, prefill_tokens_per_s: -1 }),
      stream,
      {
        promptTokens: 12,
        outputTokens: 5,
        promptReadyAtMs: 1000,
        engineTimings: { source: 'web-llm usage.extra', ttftMs: null, prefillTps: null, decodeTps: null, timePerOutputTokenMs: null, e2eLatencyMs: null },
      },
    ],
  ])('%s', (_what, given, observed, expected) => {
    expect(timingsFromUsage(given, observed)).toEqual(expected);
  });
});

describe('finishReasonOf', () => {
  it.each<[string | null, boolean, string]>([
    ['stop', false, 'eos'],
    ['length', false, 'length'],
    ['abort', false, 'aborted'],
    ['stop', true, 'aborted'],
    ['tool_calls', false, 'eos'],
    [null, false, 'eos'],
  ])('%s (aborted %s) → %s', (reason, aborted, expected) => {
    expect(finishReasonOf(reason, aborted)).toBe(expected);
  });
});

describe('where an offline load stopped', () => {
  const record = prebuiltAppConfig.model_list.find((r) => r.model_id === 'Llama-3.2-1B-Instruct-q4f32_1-MLC')!;
  const artifacts = hubArtifacts(record);

  it('derives the URLs as web-llm does', () => {
    expect(artifacts).toEqual({
      weightsHost: 'huggingface.co',
      libraryHost: 'raw.githubusercontent.com',
      configUrl: 'https://huggingface.co/mlc-ai/Llama-3.2-1B-Instruct-q4f32_1-MLC/resolve/main/mlc-chat-config.json',
      libraryUrl: record.model_lib,
    });
    expect(hubArtifacts({ model: 'https://example.org/m/resolve/v2/', model_lib: 'https://libs.example.org/x.wasm' }).configUrl).toBe('https://example.org/m/resolve/v2/mlc-chat-config.json');
  });

  it.each([
    [{ config: false, library: false }, 'huggingface.co'],
    [{ config: true, library: false }, 'raw.githubusercontent.com'],
    [{ config: true, library: true }, 'huggingface.co'],
    [{ config: false, library: true }, 'huggingface.co'],
  ])('stored %j → %s', (stored, host) => {
    expect(unreachableHost(artifacts, stored)).toBe(host);
  });
});

describe('webLlmSamplingOf', () => {
  it.each([
    ['absent: greedy', undefined, { temperature: 0 }],
    ['greedy with a penalty and a stop', { ...GREEDY, repetitionPenalty: 1.2, seed: 3, stop: ['\n'] }, { temperature: 0, repetition_penalty: 1.2, stop: ['\n'] }],
    ['sampling: top-p and seed; top-k and min-p have no field', { ...GREEDY, temperature: 0.7, topK: 40, topP: 0.9, minP: 0.1, seed: 42 }, { temperature: 0.7, top_p: 0.9, seed: 42 }],
    ['no seed: none sent', { ...GREEDY, temperature: 1.5 }, { temperature: 1.5 }],
  ] as const)('%s', (_, settings, expected) => {
    expect(webLlmSamplingOf(settings as never)).toEqual(expected);
  });
});

describe('contextOverflowOf', () => {
  it.each<[string, unknown, { promptTokens: number; contextTokens: number } | null]>([
    ['web-llm’s ContextWindowSizeExceededError', new Error('Prompt tokens exceed context window size: number of prompt tokens: 5000; context window size: 4096\nConsider shortening the prompt, or increase `context_window_size`.'), { promptTokens: 5000, contextTokens: 4096 }],
    ['another error', new Error('Device lost'), null],
  ])('%s', (_name, thrown, expected) => {
    expect(contextOverflowOf(thrown)).toEqual(expected);
  });
});
