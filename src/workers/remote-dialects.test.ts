import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chatRequestOf, countsOfChunk, servedModelName, llamaCppTimings, lmStudioTimings, modelsUrlOf, ollamaOptionsOf, ollamaTimings, openAiSamplingOf, timingsOfChunk, usageCounts } from './remote-dialects.ts';
import { GREEDY } from '../models/sampling.ts';
import { newChatStream, readChatEvent, isComplete, finishReasonOf, type ChatStreamState } from './remote-chat-stream.ts';
import { SseParser, parseStreamData } from './remote-sse.ts';
import { NdjsonParser } from './remote-ndjson.ts';

/** Recorded answers of servers that cannot run here (see e2e/remote-fixtures/README.md). */
const fixture = (name: string): string => readFileSync(new URL(`../../e2e/remote-fixtures/${name}`, import.meta.url), 'utf8');

function readSse(text: string): ChatStreamState {
  const parser = new SseParser();
  const state = newChatStream();
  for (const event of parser.feed(text)) expect(readChatEvent(state, parseStreamData(event.data)).kind).toBe('pieces');
  expect(parser.end().unfinished).toBe(false);
  return state;
}

/** Read as the engine reads Ollama's native stream: in network-sized pieces, not whole lines. */
function readNdjson(text: string, chunkSize = 7): ChatStreamState {
  const parser = new NdjsonParser();
  const state = newChatStream();
  const chunks = Array.from({ length: Math.ceil(text.length / chunkSize) }, (_, i) => text.slice(i * chunkSize, (i + 1) * chunkSize));
  for (const unit of [...chunks.flatMap((c) => parser.feed(c)), ...parser.end()]) expect(readChatEvent(state, unit).kind).toBe('pieces');
  return state;
}

describe('recorded server answers', () => {
  it('llama-server: text, usage and its timings (cache_n included)', () => {
    const state = readSse(fixture('llama-server-v1-chat.sse'));
    expect(state.text).toBe('bc');
    expect(isComplete(state)).toBe(true);
    expect(finishReasonOf(state, false, 2)).toBe('length');
    expect(state.counts).toEqual({ promptTokens: 9, outputTokens: 2 });
    expect(state.timings).toEqual({ source: 'llama.cpp timings', ttftMs: 12.5, prefillTps: 480, decodeTps: 500, timePerOutputTokenMs: 2, e2eLatencyMs: 16.5, cachedPromptTokens: 3, loadMs: null });
  });

  it('Ollama /api/chat: text, counts and its nanosecond durations', () => {
    const state = readNdjson(fixture('ollama-api-chat.ndjson'));
    expect(state.text).toBe('The sky is blue.');
    expect(state.done).toBe(true);
    expect(finishReasonOf(state, false, 64)).toBe('eos');
    expect(state.counts).toEqual({ promptTokens: 31, outputTokens: 5 });
    expect(state.timings!.source).toBe('ollama /api/chat');
    expect(state.timings!.loadMs).toBeCloseTo(1843.052125, 6);
    expect(state.timings!.ttftMs).toBeCloseTo(1843.052125 + 214, 6);
    expect(state.timings!.prefillTps).toBeCloseTo(31 / 0.214, 6);
    expect(state.timings!.decodeTps).toBeCloseTo(5 / 0.08, 6);
    expect(state.timings!.timePerOutputTokenMs).toBeCloseTo(16, 6);
    expect(state.timings!.e2eLatencyMs).toBeCloseTo(2145.31875, 6);
  });

  it('LM Studio /api/v0: text, usage and its stats', () => {
    const state = readSse(fixture('lm-studio-api-v0-chat.sse'));
    expect(state.text).toBe('The sky is blue.');
    expect(state.counts).toEqual({ promptTokens: 24, outputTokens: 4 });
    expect(state.timings!.source).toBe('lm-studio stats');
    expect(state.timings!.ttftMs).toBeCloseTo(112, 6);
    expect(state.timings!.decodeTps).toBe(57.4);
    expect(state.timings!.e2eLatencyMs).toBeCloseTo(182, 6);
    expect(state.timings!.prefillTps).toBeNull();
  });
});

describe('dialect mappings', () => {
  it.each([
    ['llama.cpp: rates derived when only counts and times are given', llamaCppTimings({ prompt_n: 10, prompt_ms: 20, predicted_n: 4, predicted_ms: 40 }), { ttftMs: 20, prefillTps: 500, decodeTps: 100, timePerOutputTokenMs: 10, e2eLatencyMs: 60 }],
    ['llama.cpp: nothing reported stays null', llamaCppTimings({}), { ttftMs: null, prefillTps: null, decodeTps: null, timePerOutputTokenMs: null, e2eLatencyMs: null }],
    ['llama.cpp: negative or non-numbers are not figures', llamaCppTimings({ prompt_ms: -1, predicted_per_second: 'fast' }), { ttftMs: null, decodeTps: null }],
    ['Ollama: zero eval time gives no rate', ollamaTimings({ done: true, eval_count: 3, eval_duration: 0 }), { decodeTps: null, timePerOutputTokenMs: 0 }],
    ['LM Studio: no stats figures', lmStudioTimings({ stop_reason: 'eosFound' }), { ttftMs: null, decodeTps: null, e2eLatencyMs: null }],
  ])('%s', (_name, timings, expected) => {
    expect(timings).toMatchObject(expected);
  });

  it.each([
    ['not an object', llamaCppTimings(null)],
    ['Ollama before its final chunk', ollamaTimings({ done: false, eval_count: 3 })],
    ['LM Studio stats missing', lmStudioTimings(undefined)],
    ['a plain OpenAI chunk', timingsOfChunk({ choices: [], usage: { prompt_tokens: 1 } })],
  ])('no timings: %s', (_name, timings) => {
    expect(timings).toBeNull();
  });

  it('usage counts from any dialect, usage first', () => {
    expect(usageCounts({ prompt_tokens: 5, completion_tokens: 7 })).toEqual({ promptTokens: 5, outputTokens: 7 });
    expect(usageCounts(undefined)).toEqual({ promptTokens: null, outputTokens: null });
    expect(countsOfChunk({ usage: { prompt_tokens: 5, completion_tokens: 7 }, timings: { prompt_n: 1, predicted_n: 1 } })).toEqual({ promptTokens: 5, outputTokens: 7 });
    expect(countsOfChunk({ timings: { prompt_n: 2, predicted_n: 3 } })).toEqual({ promptTokens: 2, outputTokens: 3 });
  });
});

describe('readChatEvent', () => {
  it.each([
    ['content that is not text', { choices: [{ delta: { content: 5 } }] }, 'malformed'],
    ['a choice that is not an object', { choices: ['x'] }, 'malformed'],
    ['neither choices nor message', { hello: 1 }, 'malformed'],
    ['a role-only first chunk', { choices: [{ delta: { role: 'assistant', content: null } }] }, 'pieces'],
    ['an empty choices list with usage', { choices: [], usage: { prompt_tokens: 1, completion_tokens: 2 } }, 'pieces'],
  ])('%s → %s', (_name, value, kind) => {
    expect(readChatEvent(newChatStream(), { kind: 'json', value: value as Record<string, unknown> }).kind).toBe(kind);
  });

  it('a server error event is reported with its words', () => {
    expect(readChatEvent(newChatStream(), { kind: 'error', message: 'out of slots' })).toEqual({ kind: 'server-error', message: 'out of slots' });
  });

  it('a stream without [DONE] or finish reason is not complete', () => {
    const state = newChatStream();
    readChatEvent(state, { kind: 'json', value: { choices: [{ delta: { content: 'b' } }] } });
    expect(isComplete(state)).toBe(false);
    expect(finishReasonOf(state, true, 8)).toBe('aborted');
  });
});

describe('openAiSamplingOf', () => {
  const sampled = { temperature: 0.7, topK: 40, topP: 0.9, minP: 0.05, repetitionPenalty: 1.1, seed: 42, stop: ['###'] };
  it.each([
    ['absent: greedy', undefined, 'other', { temperature: 0 }],
    ['greedy keeps stop sequences, drops top-p and the seed', { ...GREEDY, topP: 0.5, seed: 1, stop: ['\n'] }, 'ollama', { temperature: 0, stop: ['\n'] }],
    ['an OpenAI-only server gets the OpenAI fields', sampled, 'lm-studio', { temperature: 0.7, top_p: 0.9, seed: 42, stop: ['###'] }],
    ['llama-server also gets top-k, min-p and repeat_penalty', sampled, 'llama.cpp', { temperature: 0.7, top_p: 0.9, seed: 42, stop: ['###'], top_k: 40, min_p: 0.05, repeat_penalty: 1.1 }],
    ['vLLM reads repetition_penalty', sampled, 'vllm', { temperature: 0.7, top_p: 0.9, seed: 42, stop: ['###'], top_k: 40, min_p: 0.05, repetition_penalty: 1.1 }],
    ['filters that are off are not sent', { ...GREEDY, temperature: 1 }, 'llama.cpp', { temperature: 1 }],
  ] as const)('%s', (_, settings, server, expected) => {
    expect(openAiSamplingOf(settings as never, server)).toEqual(expected);
  });

  it('an LM Studio stop string is a stop, not the end of text', () => {
    const state = newChatStream();
    state.finish = 'stopStringFound';
    expect(finishReasonOf(state, false, 64)).toBe('stop');
  });
});

describe('ollamaOptionsOf', () => {
  const sampled = { temperature: 0.7, topK: 40, topP: 0.9, minP: 0.05, repetitionPenalty: 1.1, seed: 42, stop: ['###'] };
  it.each([
    ['absent: greedy, the penalty off, the length limit', undefined, 16, { num_predict: 16, repeat_penalty: 1, temperature: 0 }],
    ['greedy keeps stop sequences and the penalty, drops the filters and the seed', { ...GREEDY, topP: 0.5, seed: 1, repetitionPenalty: 1.2, stop: ['\n'] }, 8, { num_predict: 8, repeat_penalty: 1.2, temperature: 0, stop: ['\n'] }],
    ['every setting in Ollama’s words', sampled, 64, { num_predict: 64, repeat_penalty: 1.1, temperature: 0.7, top_k: 40, top_p: 0.9, min_p: 0.05, seed: 42, stop: ['###'] }],
    ['filters that are off are sent as off (Ollama’s defaults would apply)', { ...GREEDY, temperature: 1 }, 4, { num_predict: 4, repeat_penalty: 1, temperature: 1, top_k: 0, top_p: 1, min_p: 0 }],
  ] as const)('%s', (_, settings, maxNewTokens, expected) => {
    expect(ollamaOptionsOf(settings as never, maxNewTokens)).toEqual(expected);
  });
});

describe('chatRequestOf and modelsUrlOf', () => {
  const connection = { baseUrl: 'http://127.0.0.1:11434/v1', apiKey: '', model: 'llama3.2:1b', server: 'ollama' as const, timeoutMs: 1000 };
  const request = { prompt: 'a', maxNewTokens: 5 };

  it('Ollama: the native /api/chat at the server’s root, NDJSON, its options', () => {
    expect(chatRequestOf(connection, 'llama3.2:1b', request)).toEqual({
      url: 'http://127.0.0.1:11434/api/chat',
      body: { model: 'llama3.2:1b', messages: [{ role: 'user', content: 'a' }], stream: true, options: { num_predict: 5, repeat_penalty: 1, temperature: 0 } },
      framing: 'ndjson',
    });
  });

  it.each(['llama.cpp', 'vllm', 'lm-studio', 'other'] as const)('%s: OpenAI’s /chat/completions under the base, SSE', (server) => {
    const chat = chatRequestOf({ ...connection, baseUrl: 'http://127.0.0.1:8080/v1', server }, 'm', { ...request, messages: [{ role: 'user', content: 'hi' }] });
    expect(chat).toEqual({
      url: 'http://127.0.0.1:8080/v1/chat/completions',
      body: { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true }, max_tokens: 5, ...openAiSamplingOf(undefined, server) },
      framing: 'sse',
    });
  });

  it.each([
    ['http://127.0.0.1:11434/v1', 'ollama', 'http://127.0.0.1:11434/api/tags'],
    ['https://gpu.example/ollama/v1', 'ollama', 'https://gpu.example/ollama/api/tags'],
    ['http://127.0.0.1:8080/v1', 'llama.cpp', 'http://127.0.0.1:8080/v1/models'],
    ['http://127.0.0.1:1234/v1', 'lm-studio', 'http://127.0.0.1:1234/v1/models'],
  ] as const)('models of %s (%s) at %s', (baseUrl, server, url) => {
    expect(modelsUrlOf({ baseUrl, server })).toBe(url);
  });
});

describe('servedModelName', () => {
  it.each([
    ['listed as it is', 'wf-tiny', ['wf-tiny'], 'llama.cpp', 'wf-tiny'],
    ['Ollama: no tag means :latest', 'llama3', ['llama3:latest', 'llama3:70b'], 'ollama', 'llama3:latest'],
    ['Ollama: a tag is kept as asked', 'llama3:70b', ['llama3:latest', 'llama3:70b'], 'ollama', 'llama3:70b'],
    ['Ollama: another tag is not :latest', 'llama3:8b', ['llama3:latest'], 'ollama', null],
    ['other servers have no implied tag', 'llama3', ['llama3:latest'], 'vllm', null],
    ['not listed', 'qwen', ['wf-tiny'], 'ollama', null],
  ] as const)('%s', (_name, wanted, listed, server, expected) => {
    expect(servedModelName(wanted, listed, server)).toBe(expected);
  });
});
