/**
 * The wllama engine's decisions and translations, as pure functions over plain data (no wllama
 * import, no I/O): which device and how many threads, how big the context and the footprint are,
 * how a GGUF header's refusal and wllama's failures become our error codes, and how llama.cpp's own
 * `timings` become ours.
 */
import type { DevicePreference, EngineReportedTimings, FinishReason } from './engine.ts';
import { EngineError, classifyFailure, describeFailure, nameAndMessage } from './errors.ts';
import { chooseWasmThreads } from './wasm-threads.ts';
import { metadataNumber, metadataString, type GgufCheck, type GgufHeader } from '../models/gguf-header.ts';
import { runtimeOverheadBytes } from '../tiers/capacity.ts';
import { GREEDY, isGreedy, type SamplingSettings } from '../models/sampling.ts';
import { GGUF_CONTEXT_CAP } from '../models/gguf-hub.ts';

export type WllamaDeviceChoice = { ok: true; reason: string } | { ok: false; reason: string };

/**
 * llama.cpp runs GGUF models on the CPU (WASM) here. wllama also has a WebGPU backend, but this app
 * does not use it: it is unverified on this project's machines, and on the software adapters most
 * headless browsers offer it would be far slower than WASM.
 */
export function chooseWllamaDevice(preference: DevicePreference, modelId: string): WllamaDeviceChoice {
  if (preference === 'webgpu') {
    return { ok: false, reason: `${modelId} is a GGUF model run by llama.cpp (wllama) on the CPU (WASM); this app does not use its WebGPU backend. Choose Auto or WASM.` };
  }
  return { ok: true, reason: preference === 'wasm' ? 'WASM (chosen)' : 'WASM: GGUF models run on llama.cpp’s CPU path' };
}

export interface WllamaThreadInputs {
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  parameters: number;
  requested?: number | undefined;
}

/**
 * The same rule as ORT's threads (`chooseWasmThreads`): threads need shared memory, which needs a
 * cross-origin-isolated page, and only pay off on models large enough to amortise their
 * synchronisation. wllama starts its multi-thread runtime exactly when given more than one thread
 * and shared memory works; otherwise its single-thread one.
 */
export function wllamaThreads(inputs: WllamaThreadInputs): { threads: number; reason: string } {
  const threads = chooseWasmThreads(inputs);
  if (inputs.requested !== undefined) {
    const count = `${threads} thread${threads === 1 ? '' : 's'}`;
    if (threads === inputs.requested) return { threads, reason: `${count}, as asked` };
    return { threads, reason: `${count}, ${inputs.requested} asked: ${inputs.crossOriginIsolated ? `this machine gives at most ${threads}` : 'the page is not cross-origin isolated'}` };
  }
  if (threads > 1) return { threads, reason: `${threads} threads (cross-origin isolated)` };
  if (!inputs.crossOriginIsolated) return { threads, reason: '1 thread: the page is not cross-origin isolated, so WASM threads are unavailable' };
  return { threads, reason: '1 thread: a small model, where threads cost more than they give' };
}

/** The context the engine allocates: the model's own, capped so a 128 K-token model does not claim gigabytes of KV cache. */
export const MAX_CONTEXT_TOKENS = GGUF_CONTEXT_CAP;

export function contextTokensFor(header: GgufHeader): number {
  const arch = metadataString(header, 'general.architecture') ?? 'llama';
  const trained = metadataNumber(header, `${arch}.context_length`);
  return Math.max(16, Math.min(trained ?? 2048, MAX_CONTEXT_TOKENS));
}

/** llama.cpp's default KV cache is f16: layers × 2 (K and V) × KV heads × head dim × tokens × 2 bytes. */
export function kvCacheBytesOf(header: GgufHeader, tokens: number): number {
  const arch = metadataString(header, 'general.architecture') ?? 'llama';
  const n = (key: string): number | null => metadataNumber(header, `${arch}.${key}`);
  const layers = n('block_count') ?? 0;
  const heads = n('attention.head_count') ?? 1;
  const kvHeads = n('attention.head_count_kv') ?? heads;
  const embedding = n('embedding_length') ?? 0;
  const keyLength = n('attention.key_length') ?? Math.floor(embedding / Math.max(1, heads));
  const valueLength = n('attention.value_length') ?? keyLength;
  return layers * kvHeads * (keyLength + valueLength) * tokens * 2;
}

/** The file (held once in wllama's heap), the KV cache, and the runtime's share. */
export function wllamaFootprintBytes(fileBytes: number, header: GgufHeader, contextTokens: number): number {
  return Math.round(fileBytes + kvCacheBytesOf(header, contextTokens) + runtimeOverheadBytes(fileBytes));
}

/** A header check's refusal as an EngineError: damage is `model-corrupt`, what llama.cpp cannot run is `model-unsupported`. */
export function ggufCheckError(check: Exclude<GgufCheck, { ok: true }>): EngineError {
  if (check.problem === 'need-more') return new EngineError('model-corrupt', 'The GGUF header could not be read whole.');
  const code = check.problem === 'unsupported-type' || check.problem === 'unsupported-version' || check.problem === 'too-large' ? 'model-unsupported' : 'model-corrupt';
  return new EngineError(code, check.message);
}

/** Emscripten's and llama.cpp's ways of saying an allocation failed. */
const WASM_OUT_OF_MEMORY = /Cannot enlarge memory|Aborted\(OOM\)|\bOOM\b|failed to allocate|unable to allocate|out of memory|RangeError: Array buffer allocation failed/i;
/** llama.cpp could not make sense of the file (its loader's words). */
const LOAD_FAILED = /error loading model|failed to load model|llama_model_load|invalid magic|tensor .* data is not within the file bounds|wrong number of tensors|Error while calling start function/i;
const CONTEXT_FULL = /exceeds the available context|context size|kv_cache_full|n_ctx/i;
/** llama.cpp hands each streamed piece to JSON, which refuses a token that is a lone byte of a UTF-8 character (a byte-level model can emit one). */
const BROKEN_UTF8 = /invalid UTF-8 byte/i;

/** wllama's failures (WllamaError with its `type`, Emscripten aborts, plain strings) as our codes. */
export function describeWllamaFailure(modelId: string, stage: 'load' | 'generate', thrown: unknown): EngineError {
  if (thrown instanceof EngineError) return thrown;
  const { message } = nameAndMessage(thrown);
  const type = typeof thrown === 'object' && thrown !== null ? (thrown as { type?: unknown }).type : undefined;
  const detail = message || 'no details given';
  if (WASM_OUT_OF_MEMORY.test(message)) {
    return new EngineError('out-of-memory', `${modelId} ran out of memory ${stage === 'load' ? 'while loading' : 'while generating'} in llama.cpp's WASM heap (${detail}). Close other models or tabs, or choose a smaller model or quantization.`);
  }
  if (stage === 'load' && (type === 'load_error' || LOAD_FAILED.test(message))) {
    return new EngineError('model-corrupt', `llama.cpp could not load ${modelId} (${detail}). The file may be damaged, or made for a model architecture this llama.cpp does not know.`);
  }
  if (stage === 'generate' && BROKEN_UTF8.test(message)) {
    return new EngineError('generation-failed', `llama.cpp (wllama) stopped ${modelId}'s answer at a token that is not whole UTF-8 text on its own, which it cannot stream (${detail}). The text up to it was shown; transformers.js streams such tokens.`);
  }
  if (stage === 'generate' && (type === 'kv_cache_full' || CONTEXT_FULL.test(message))) {
    return new EngineError('prompt-too-long', `The prompt and output do not fit ${modelId}'s context window (${detail}).`);
  }
  if (classifyFailure(thrown) !== 'unknown') return describeFailure(thrown, { modelId, stage });
  return stage === 'load'
    ? new EngineError('generation-failed', `${modelId} could not be loaded: ${detail}`)
    : new EngineError('generation-failed', `Generation failed: ${detail}`);
}

/**
 * llama-server refuses a prompt longer than its context before computing anything:
 * "request (N tokens) exceeds the available context size (M tokens), try increasing it".
 * The numbers, or null for any other failure.
 */
export function contextOverflowOf(thrown: unknown): { promptTokens: number; contextTokens: number } | null {
  const match = /request \((\d+) tokens\) exceeds the available context size \((\d+) tokens\)/.exec(nameAndMessage(thrown).message);
  return match ? { promptTokens: Number(match[1]), contextTokens: Number(match[2]) } : null;
}

/** llama.cpp's (llama-server's) per-request `timings`, as wllama hands them over. */
export interface LlamaCppTimings {
  cache_n?: number;
  prompt_n?: number;
  prompt_ms?: number;
  prompt_per_token_ms?: number;
  prompt_per_second?: number;
  predicted_n?: number;
  predicted_ms?: number;
  predicted_per_token_ms?: number;
  predicted_per_second?: number;
}

function figure(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

/**
 * llama.cpp's own account: prefill time (its TTFT: from the prompt's evaluation to the first sampled
 * token, without the worker hops), prefill and decode rates, time per output token, and prefill +
 * decode as its end to end. A figure it did not report is null, never 0.
 */
export function timingsFromLlamaCpp(timings: LlamaCppTimings | null | undefined): EngineReportedTimings | null {
  if (!timings) return null;
  const promptMs = figure(timings.prompt_ms);
  const predictedMs = figure(timings.predicted_ms);
  const result: EngineReportedTimings = {
    source: 'llama.cpp timings',
    ttftMs: promptMs,
    prefillTps: figure(timings.prompt_per_second),
    decodeTps: figure(timings.predicted_per_second),
    timePerOutputTokenMs: figure(timings.predicted_per_token_ms),
    e2eLatencyMs: promptMs !== null && predictedMs !== null ? promptMs + predictedMs : null,
  };
  return [result.ttftMs, result.prefillTps, result.decodeTps, result.timePerOutputTokenMs, result.e2eLatencyMs].some((v) => v !== null) ? result : null;
}

/** llama-server's finish reason and ours. */
export function finishReasonOf(reason: string | null | undefined, aborted: boolean, limitedByContext: boolean): FinishReason {
  if (aborted) return 'aborted';
  if (reason === 'stop') return 'eos';
  return limitedByContext ? 'context' : 'length';
}

const MB = 1e6;

/**
 * Whether a GGUF model fits this device's memory budget for models, before anything is read past
 * its header: null when it does, else the sentence with the numbers.
 */
export function ggufBudgetRefusal(name: string, header: GgufHeader, fileBytes: number, budgetBytes: number): string | null {
  const context = contextTokensFor(header);
  const needed = wllamaFootprintBytes(fileBytes, header, context);
  if (needed <= budgetBytes) return null;
  const kv = kvCacheBytesOf(header, context);
  return `${name} needs about ${(needed / MB).toFixed(0)} MB (file ${(fileBytes / MB).toFixed(0)} MB, KV cache ${(kv / MB).toFixed(0)} MB at ${context} tokens, runtime overhead) but this device's budget for models is ${(budgetBytes / MB).toFixed(0)} MB. Choose a smaller model or a smaller quantization.`;
}

/** The sampling fields of a llama-server completion request, as llama.cpp reads them. */
export interface LlamaCppSampling {
  temperature: number;
  repeat_penalty: number;
  top_k?: number;
  top_p?: number;
  min_p?: number;
  seed?: number;
}

/**
 * Our settings in llama-server's words. Every filter is sent, "off" included, because llama.cpp's
 * own defaults are not off (top-k 40, top-p 0.95, min-p 0.05). Temperature 0 is its greedy path,
 * where the filters and the seed do nothing. No seed: llama.cpp draws a random one per request.
 * Stop sequences are not sent: the engine applies them itself (src/workers/stop-sequences.ts), so
 * that the finish reason can say a stop sequence ended the output.
 */
export function llamaCppSamplingOf(settings: SamplingSettings = GREEDY): LlamaCppSampling {
  if (isGreedy(settings)) return { temperature: 0, repeat_penalty: settings.repetitionPenalty };
  return {
    temperature: settings.temperature,
    repeat_penalty: settings.repetitionPenalty,
    top_k: settings.topK,
    top_p: settings.topP,
    min_p: settings.minP,
    ...(settings.seed === null ? {} : { seed: settings.seed }),
  };
}
