import { describe, expect, it } from 'vitest';
import { buildRunRecord } from './run-record.ts';
import type { GenerationResult } from '../workers/engine.ts';
import { timingsFromUsage } from '../workers/webllm-policy.ts';

const result: GenerationResult = {
  text: 'bcd',
  promptTokens: 4,
  outputTokens: 3,
  finishReason: 'length',
  startedAtMs: 1000,
  promptReadyAtMs: 1010,
  tokenTimesMs: [1100, 1120, 1140],
};
const input = (r: GenerationResult) => ({
  at: 1_795_000_000_000,
  appVersion: '0.1.0',
  prompt: 'Hello a',
  load: { modelId: 'm', engine: 'web-llm', device: 'webgpu', wasmThreads: 0 } as const,
  result: r,
  page: { sentAtMs: 0, arrivalTimesMs: [105, 125, 145], endedAtMs: 150 },
});

describe('buildRunRecord: the engine-reported timings', () => {
  it('stores web-llm usage.extra, mapped by the engine policy, beside our own figures', () => {
    const usage = { prompt_tokens: 4, completion_tokens: 3, extra: { time_to_first_token_s: 0.09, prefill_tokens_per_s: 44.4, decode_tokens_per_s: 50, e2e_latency_s: 0.15 } };
    const { engineTimings } = timingsFromUsage(usage, { startedAtMs: 1000, tokenTimesMs: result.tokenTimesMs });
    const record = buildRunRecord(input({ ...result, engineTimings }));
    expect(record.engineTimings).toEqual({ source: 'web-llm usage.extra', ttftMs: 90, prefillTps: 44.4, decodeTps: 50, timePerOutputTokenMs: null, e2eLatencyMs: 150 });
    expect(record.ttftMs).toBe(100);
    expect(record.decodeTps).toBe(50);
  });

  it.each<[string, GenerationResult['engineTimings']]>([
    ['an engine that reports none (transformers.js)', undefined],
    ['a stream that ended without usage', null],
  ])('leaves the field out for %s, so the record looks as before', (_, engineTimings) => {
    const record = buildRunRecord(input({ ...result, engineTimings }));
    expect('engineTimings' in record).toBe(false);
  });
});

describe('buildRunRecord: the precision that ran', () => {
  const environment = { browser: 'Chromium 156', adapter: 'none', tier: 'low', hardwareId: 'hw1-x', dtype: 'fp32' };

  it('takes the dtype of the loaded build over the page\'s default', () => {
    const record = buildRunRecord({ ...input(result), load: { modelId: 'wf-tiny', engine: 'transformers', device: 'wasm', wasmThreads: 1, dtype: 'q4' }, environment });
    expect(record.environment).toEqual({ ...environment, dtype: 'q4' });
  });

  it('keeps the page\'s dtype where the engine names none', () => {
    expect(buildRunRecord({ ...input(result), environment }).environment.dtype).toBe('fp32');
    expect(buildRunRecord(input(result)).environment.dtype).toBeNull();
  });
});

describe('buildRunRecord: the sampling used', () => {
  it.each([
    ['a request without settings is greedy', undefined, 'greedy'],
    ['a seeded sampled run says so', { temperature: 0.7, topK: 0, topP: 0.9, minP: 0, repetitionPenalty: 1, seed: 42, stop: [] }, 'temperature 0.7, top-p 0.9, seed 42'],
    ['an unseeded one too', { temperature: 1, topK: 0, topP: 1, minP: 0, repetitionPenalty: 1, seed: null, stop: [] }, 'temperature 1, random seed'],
  ])('%s', (_, sampling, expected) => {
    expect(buildRunRecord({ ...input({ ...result, finishReason: 'stop' }), sampling }).sampling).toBe(expected);
  });
});

describe('buildRunRecord: a conversation turn', () => {
  it.each<[string, Partial<GenerationResult>, { reusedPromptTokens?: number; droppedMessages?: number }]>([
    ['reused tokens and dropped messages as the engine reported them', { reusedPromptTokens: 120, droppedMessages: 2 }, { reusedPromptTokens: 120, droppedMessages: 2 }],
    ['zeros kept: the engine could reuse and did not', { reusedPromptTokens: 0, droppedMessages: 0 }, { reusedPromptTokens: 0, droppedMessages: 0 }],
    ['nothing reported: the fields stay out, as in older records', {}, {}],
  ])('stores %s', (_, extra, expected) => {
    const record = buildRunRecord(input({ ...result, ...extra }));
    expect({ reusedPromptTokens: record.reusedPromptTokens, droppedMessages: record.droppedMessages }).toEqual({ reusedPromptTokens: undefined, droppedMessages: undefined, ...expected });
    expect('reusedPromptTokens' in record).toBe('reusedPromptTokens' in expected);
  });
});
