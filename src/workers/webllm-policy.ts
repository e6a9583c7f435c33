/**
 * The web-llm engine's decisions and translations, as pure functions over plain data (no web-llm
 * import, no I/O): which build runs on this adapter, how web-llm's progress reports and `usage.extra`
 * become ours, how its finish reasons map, and which host an offline load failed to reach.
 */
import type { DevicePreference, EngineReportedTimings, FinishReason, LoadProgress } from './engine.ts';
import { GREEDY, isGreedy, type SamplingSettings } from '../models/sampling.ts';
import { webLlmVariantFor, type WebLlmVariant } from '../tiers/index.ts';

export interface WebGpuProbe {
  webgpuApi: boolean;
  adapterFound: boolean;
  isFallbackAdapter: boolean;
  features: readonly string[];
}

export type WebLlmBuildChoice = { ok: true; variant: WebLlmVariant; reason: string } | { ok: false; reason: string };

/**
 * web-llm runs on WebGPU only. `auto` refuses a software (fallback) adapter, where a model would run
 * hundreds of times slower than on the CPU path of a bundled model; asking for WebGPU explicitly
 * still tries it. The build follows the adapter: f16 shaders or not.
 */
export function chooseWebLlmBuild(preference: DevicePreference, probe: WebGpuProbe, modelLabel: string): WebLlmBuildChoice {
  if (preference === 'wasm') {
    return { ok: false, reason: `${modelLabel} runs on WebGPU only (web-llm has no CPU path); choose Auto or WebGPU.` };
  }
  if (!probe.webgpuApi || !probe.adapterFound) {
    const why = probe.webgpuApi ? 'this browser found no WebGPU adapter' : 'this browser has no WebGPU';
    return { ok: false, reason: `${modelLabel} needs WebGPU, and ${why}. Bundled models (wf-…) run on the CPU (WASM).` };
  }
  if (probe.isFallbackAdapter && preference === 'auto') {
    return {
      ok: false,
      reason: `${modelLabel} needs a hardware GPU; this browser offers only a software WebGPU adapter, far too slow for it. Choose WebGPU as the device to try anyway.`,
    };
  }
  const variant = webLlmVariantFor(probe.features);
  const build = variant === 'q4f16_1' ? 'q4f16_1 build: the adapter has 16-bit float shaders' : 'q4f32_1 build: the adapter has no 16-bit float shaders (shader-f16)';
  const adapter = probe.isFallbackAdapter ? 'WebGPU on a software adapter (asked for; very slow)' : 'WebGPU';
  return { ok: true, variant, reason: `${adapter}, ${build}` };
}

/** web-llm's `InitProgressReport`. */
export interface InitProgressLike {
  progress: number;
  timeElapsed: number;
  text: string;
}

const MIB = 1024 * 1024;

/**
 * web-llm reports a fraction and a sentence ("Fetching param cache[3/24]: 120MB fetched. 12%
 * completed…", "Loading model from cache[…]: 80MB loaded…", "Loading GPU shader modules[…]"). Fetched
 * megabytes and the fraction give the real total; before that, the estimate stands in.
 */
export function progressFromReport(report: InitProgressLike, estimatedBytes: number): LoadProgress {
  const fraction = Number.isFinite(report.progress) ? Math.min(1, Math.max(0, report.progress)) : 0;
  const megabytes = /(\d+(?:\.\d+)?)\s*MB (?:fetched|loaded)/.exec(report.text);
  const fetching = /^Fetching|^Start to fetch/.test(report.text);
  if (megabytes) {
    const loadedBytes = Number(megabytes[1]) * MIB;
    const totalBytes = fraction > 0 ? Math.round(loadedBytes / fraction) : estimatedBytes;
    return { phase: fetching ? 'fetch' : 'init', loadedBytes: Math.min(loadedBytes, totalBytes), totalBytes };
  }
  if (fetching) return { phase: 'fetch', loadedBytes: Math.round(fraction * estimatedBytes), totalBytes: estimatedBytes };
  return { phase: 'init', loadedBytes: estimatedBytes, totalBytes: estimatedBytes };
}

/** web-llm's `CompletionUsage` (the last chunk of a stream with `include_usage`). */
export interface UsageLike {
  prompt_tokens: number;
  completion_tokens: number;
  extra?: {
    e2e_latency_s?: number;
    prefill_tokens_per_s?: number;
    decode_tokens_per_s?: number;
    time_to_first_token_s?: number;
    time_per_output_token_s?: number;
  };
}

/** What this worker saw of the stream, on its own clock. */
export interface ObservedStream {
  startedAtMs: number;
  /** Arrival of each text piece. */
  tokenTimesMs: readonly number[];
}

export interface UsageTimings {
  promptTokens: number;
  outputTokens: number;
  /** When prefill began: the first piece's arrival less web-llm's own prefill time, within the request. */
  promptReadyAtMs: number;
  engineTimings: EngineReportedTimings | null;
}

function measured(value: number | undefined, scale = 1): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value * scale : null;
}

/**
 * The one place where web-llm's per-request figures (`usage.extra`) become ours. Token counts come
 * from web-llm (it may merge tokens into one streamed piece, so pieces undercount); prefill time
 * places `promptReadyAtMs`; web-llm's own rates travel alongside ours as `engineTimings`.
 */
export function timingsFromUsage(usage: UsageLike | null, observed: ObservedStream): UsageTimings {
  const first = observed.tokenTimesMs[0];
  const pieces = observed.tokenTimesMs.length;
  const completion = measured(usage?.completion_tokens);
  const prompt = measured(usage?.prompt_tokens);
  const extra = usage?.extra;
  const ttftMs = measured(extra?.time_to_first_token_s, 1000);
  const promptReadyAtMs =
    first === undefined || ttftMs === null ? observed.startedAtMs : Math.min(first, Math.max(observed.startedAtMs, first - ttftMs));
  const engineTimings: EngineReportedTimings | null = extra
    ? {
        source: 'web-llm usage.extra',
        ttftMs,
        prefillTps: measured(extra.prefill_tokens_per_s),
        decodeTps: measured(extra.decode_tokens_per_s),
        timePerOutputTokenMs: measured(extra.time_per_output_token_s, 1000),
        e2eLatencyMs: measured(extra.e2e_latency_s, 1000),
      }
    : null;
  return {
    promptTokens: prompt ?? 0,
    outputTokens: completion !== null ? Math.max(completion, pieces) : pieces,
    promptReadyAtMs,
    engineTimings,
  };
}

/**
 * web-llm's ContextWindowSizeExceededError, thrown at prefill before anything is computed: "number
 * of prompt tokens: N; context window size: M". The numbers, or null for any other failure.
 */
export function contextOverflowOf(thrown: unknown): { promptTokens: number; contextTokens: number } | null {
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  const match = /number of prompt tokens: (\d+); context window size: (\d+)/.exec(message);
  return match ? { promptTokens: Number(match[1]), contextTokens: Number(match[2]) } : null;
}

/** web-llm's finish reasons ('stop', 'length', 'abort', 'tool_calls') in ours. */
export function finishReasonOf(reason: string | null | undefined, aborted: boolean): FinishReason {
  if (aborted || reason === 'abort') return 'aborted';
  if (reason === 'length') return 'length';
  return 'eos';
}

/** The two places a web-llm prebuilt model comes from, and the first file fetched from each. */
export interface HubArtifacts {
  weightsHost: string;
  libraryHost: string;
  /** `mlc-chat-config.json`: the first file of a load, from the weights' host. */
  configUrl: string;
  /** The compiled model library (.wasm): fetched second. */
  libraryUrl: string;
}

/** URLs as web-llm derives them from a model record (`model` gains `resolve/main/`). */
export function hubArtifacts(record: { model: string; model_lib: string }): HubArtifacts {
  let base = record.model.endsWith('/') ? record.model : `${record.model}/`;
  if (!/\/resolve\/.+\//.test(base)) base += 'resolve/main/';
  return {
    weightsHost: new URL(base).host,
    libraryHost: new URL(record.model_lib).host,
    configUrl: new URL('mlc-chat-config.json', base).href,
    libraryUrl: record.model_lib,
  };
}

/**
 * A failed fetch does not say its URL, but web-llm fetches in a fixed order: the config, then the
 * library, then tokenizer and weights. Whatever is not stored yet is where it stopped.
 */
export function unreachableHost(artifacts: HubArtifacts, stored: { config: boolean; library: boolean }): string {
  if (stored.config && !stored.library) return artifacts.libraryHost;
  return artifacts.weightsHost;
}

/** The sampling fields of a web-llm chat completion request. */
export interface WebLlmSampling {
  temperature: number;
  top_p?: number;
  repetition_penalty?: number;
  seed?: number;
  stop?: string[];
}

/**
 * Our settings in web-llm's chat completion words. web-llm has no top-k or min-p in its requests
 * (the page says so: see `ignoredSettings`); its stop strings are its own, and it reports an end by
 * one as "stop", the same word as for the end of text.
 */
export function webLlmSamplingOf(settings: SamplingSettings = GREEDY): WebLlmSampling {
  const sampling: WebLlmSampling = { temperature: isGreedy(settings) ? 0 : settings.temperature };
  if (!isGreedy(settings)) {
    if (settings.topP < 1) sampling.top_p = settings.topP;
    if (settings.seed !== null) sampling.seed = settings.seed;
  }
  if (settings.repetitionPenalty !== 1) sampling.repetition_penalty = settings.repetitionPenalty;
  if (settings.stop.length > 0) sampling.stop = [...settings.stop];
  return sampling;
}
