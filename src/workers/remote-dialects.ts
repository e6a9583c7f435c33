/**
 * Each inference server reports its own timings in its own words; these pure mappings turn each
 * dialect into the one shape a run record keeps beside the page's own timings (`EngineReportedTimings`),
 * with the dialect named in `source`. Nothing is invented: a figure the server did not report stays null.
 *
 * - llama.cpp's `llama-server`: a `timings` object (on the last streamed chunk): prompt_n, prompt_ms,
 *   prompt_per_second, predicted_n, predicted_ms, predicted_per_token_ms, predicted_per_second, cache_n.
 * - Ollama's native `/api/chat` final chunk (`done: true`): prompt_eval_count, prompt_eval_duration,
 *   eval_count, eval_duration, load_duration, total_duration — durations in nanoseconds.
 * - LM Studio's `/api/v0` `stats`: tokens_per_second, time_to_first_token and generation_time (seconds).
 * - OpenAI's `usage` (every server, with `stream_options.include_usage`): token counts only.
 *
 * Requests go out in the server's words too (`chatRequestOf`): Ollama is spoken to in its native API,
 * the only one in which it reports its timings; every other server in OpenAI's.
 */
import type { EngineReportedTimings, GenerateRequest, RemoteConnection, RemoteServerKind } from './engine.ts';
import { GREEDY, isGreedy, type SamplingSettings } from '../models/sampling.ts';
import { ollamaApiRoot } from './remote-endpoint.ts';

export interface TokenCounts {
  promptTokens: number | null;
  outputTokens: number | null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

function ratio(a: number | null, b: number | null, scale = 1): number | null {
  return a === null || b === null || b <= 0 ? null : (a / b) * scale;
}

function sum(...parts: (number | null)[]): number | null {
  return parts.some((p) => p === null) ? null : parts.reduce<number>((s, p) => s + p!, 0);
}

function object(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** llama-server's `timings`. Its prompt time is the server's own time to first token (queueing excluded). */
export function llamaCppTimings(timings: unknown): EngineReportedTimings | null {
  const t = object(timings);
  if (!t) return null;
  const promptMs = num(t['prompt_ms']);
  const predictedMs = num(t['predicted_ms']);
  const predictedN = num(t['predicted_n']);
  return {
    source: 'llama.cpp timings',
    ttftMs: promptMs,
    prefillTps: num(t['prompt_per_second']) ?? ratio(num(t['prompt_n']), promptMs, 1000),
    decodeTps: num(t['predicted_per_second']) ?? ratio(predictedN, predictedMs, 1000),
    timePerOutputTokenMs: num(t['predicted_per_token_ms']) ?? ratio(predictedMs, predictedN),
    e2eLatencyMs: sum(promptMs, predictedMs),
    cachedPromptTokens: num(t['cache_n']),
    loadMs: null,
  };
}

export function llamaCppCounts(timings: unknown): TokenCounts {
  const t = object(timings);
  return { promptTokens: num(t?.['prompt_n']), outputTokens: num(t?.['predicted_n']) };
}

const NS_PER_MS = 1e6;

/** Ollama's final `/api/chat` (or `/api/generate`) chunk. The model's load counts into its TTFT. */
export function ollamaTimings(final: unknown): EngineReportedTimings | null {
  const f = object(final);
  if (!f || f['done'] !== true) return null;
  const ms = (key: string): number | null => {
    const v = num(f[key]);
    return v === null ? null : v / NS_PER_MS;
  };
  const promptMs = ms('prompt_eval_duration');
  const evalMs = ms('eval_duration');
  const loadMs = ms('load_duration');
  const evalCount = num(f['eval_count']);
  return {
    source: 'ollama /api/chat',
    ttftMs: sum(loadMs ?? 0, promptMs),
    prefillTps: ratio(num(f['prompt_eval_count']), promptMs, 1000),
    decodeTps: ratio(evalCount, evalMs, 1000),
    timePerOutputTokenMs: ratio(evalMs, evalCount),
    e2eLatencyMs: ms('total_duration'),
    cachedPromptTokens: null,
    loadMs,
  };
}

export function ollamaCounts(final: unknown): TokenCounts {
  const f = object(final);
  return { promptTokens: num(f?.['prompt_eval_count']), outputTokens: num(f?.['eval_count']) };
}

/** LM Studio's `stats` (seconds and tokens per second). */
export function lmStudioTimings(stats: unknown): EngineReportedTimings | null {
  const s = object(stats);
  if (!s) return null;
  const ttftS = num(s['time_to_first_token']);
  const genS = num(s['generation_time']);
  const tps = num(s['tokens_per_second']);
  return {
    source: 'lm-studio stats',
    ttftMs: ttftS === null ? null : ttftS * 1000,
    prefillTps: null,
    decodeTps: tps,
    timePerOutputTokenMs: tps === null || tps <= 0 ? null : 1000 / tps,
    e2eLatencyMs: ttftS === null || genS === null ? null : (ttftS + genS) * 1000,
    cachedPromptTokens: null,
    loadMs: null,
  };
}

/** OpenAI's `usage`, which every dialect sends (streamed: with `stream_options.include_usage`). */
export function usageCounts(usage: unknown): TokenCounts {
  const u = object(usage);
  return { promptTokens: num(u?.['prompt_tokens']), outputTokens: num(u?.['completion_tokens']) };
}

/**
 * What one streamed chunk (or a whole response) says about the server's own timings, whichever dialect
 * it is in: llama.cpp's `timings`, LM Studio's `stats`, Ollama's final chunk; null when none.
 */
export function timingsOfChunk(chunk: Record<string, unknown>): EngineReportedTimings | null {
  if (object(chunk['timings'])) return llamaCppTimings(chunk['timings']);
  if (object(chunk['stats'])) return lmStudioTimings(chunk['stats']);
  if (chunk['done'] === true && ('eval_count' in chunk || 'eval_duration' in chunk)) return ollamaTimings(chunk);
  return null;
}

/** Token counts from any dialect's chunk: `usage` first, then the dialect's own counters. */
export function countsOfChunk(chunk: Record<string, unknown>): TokenCounts {
  const fromUsage = usageCounts(chunk['usage']);
  if (fromUsage.promptTokens !== null || fromUsage.outputTokens !== null) return fromUsage;
  if (object(chunk['timings'])) return llamaCppCounts(chunk['timings']);
  if (chunk['done'] === true) return ollamaCounts(chunk);
  return { promptTokens: null, outputTokens: null };
}

/**
 * The sampling fields of an OpenAI-style chat request. Every server takes `temperature`, `top_p`,
 * `seed` and `stop`; llama-server and vLLM also read top-k, min-p and a repetition penalty (under
 * their own names), which OpenAI's API has not, so only they are sent them. Whether a server
 * honours the seed is its own affair.
 */
export function openAiSamplingOf(requested: SamplingSettings | undefined, server: RemoteServerKind): Record<string, number | string[]> {
  const settings = requested ?? GREEDY;
  const body: Record<string, number | string[]> = { temperature: isGreedy(settings) ? 0 : settings.temperature };
  const sampling = !isGreedy(settings);
  if (sampling && settings.topP < 1) body.top_p = settings.topP;
  if (sampling && settings.seed !== null) body.seed = settings.seed;
  if (settings.stop.length > 0) body.stop = [...settings.stop];
  if (server === 'llama.cpp' || server === 'vllm') {
    if (sampling && settings.topK > 0) body.top_k = settings.topK;
    if (sampling && settings.minP > 0) body.min_p = settings.minP;
    if (settings.repetitionPenalty !== 1) body[server === 'vllm' ? 'repetition_penalty' : 'repeat_penalty'] = settings.repetitionPenalty;
  }
  return body;
}

/**
 * The `options` of an Ollama `/api/chat` request. Ollama fills what is left out from the model's
 * Modelfile (commonly top_k 40, top_p 0.9, repeat_penalty 1.1), so a filter that is off is sent as
 * off (top_k 0, top_p 1, min_p 0, repeat_penalty 1) rather than left out; greedy is temperature 0,
 * where the filters and the seed do not matter and are not sent. The penalty applies to greedy too.
 */
export function ollamaOptionsOf(requested: SamplingSettings | undefined, maxNewTokens: number): Record<string, number | string[]> {
  const settings = requested ?? GREEDY;
  const options: Record<string, number | string[]> = { num_predict: maxNewTokens, repeat_penalty: settings.repetitionPenalty };
  if (isGreedy(settings)) options.temperature = 0;
  else {
    options.temperature = settings.temperature;
    options.top_k = settings.topK;
    options.top_p = settings.topP;
    options.min_p = settings.minP;
    if (settings.seed !== null) options.seed = settings.seed;
  }
  if (settings.stop.length > 0) options.stop = [...settings.stop];
  return options;
}

/** How a streamed answer is framed: server-sent events, or Ollama's newline-delimited JSON. */
export type StreamFraming = 'sse' | 'ndjson';

export interface ChatRequest {
  url: string;
  body: Record<string, unknown>;
  framing: StreamFraming;
}

/** The streamed chat request for this server: Ollama's native `/api/chat`, or OpenAI's `/chat/completions`. */
export function chatRequestOf(connection: RemoteConnection, model: string, request: GenerateRequest): ChatRequest {
  // A conversation goes as it is: the server formats it with its model's chat template.
  const messages = request.messages ? request.messages.map((m) => ({ role: m.role, content: m.content })) : [{ role: 'user', content: request.prompt }];
  if (connection.server === 'ollama') {
    return { url: `${ollamaApiRoot(connection.baseUrl)}/api/chat`, body: { model, messages, stream: true, options: ollamaOptionsOf(request.sampling, request.maxNewTokens) }, framing: 'ndjson' };
  }
  return {
    url: `${connection.baseUrl}/chat/completions`,
    body: { model, messages, stream: true, stream_options: { include_usage: true }, max_tokens: request.maxNewTokens, ...openAiSamplingOf(request.sampling, connection.server) },
    framing: 'sse',
  };
}

/** Where the server lists its models: Ollama's `/api/tags`, OpenAI's `/models`. */
export function modelsUrlOf(connection: Pick<RemoteConnection, 'baseUrl' | 'server'>): string {
  return connection.server === 'ollama' ? `${ollamaApiRoot(connection.baseUrl)}/api/tags` : `${connection.baseUrl}/models`;
}

/**
 * The listed name the wanted model is served under, or null when it is not listed. Ollama names every
 * model with its tag and reads a name without one as `:latest`, so `llama3` is its `llama3:latest`.
 */
export function servedModelName(wanted: string, listed: readonly string[], server: RemoteServerKind): string | null {
  if (listed.includes(wanted)) return wanted;
  if (server === 'ollama' && !wanted.includes(':') && listed.includes(`${wanted}:latest`)) return `${wanted}:latest`;
  return null;
}
