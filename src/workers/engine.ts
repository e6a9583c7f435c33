/**
 * The one contract every engine implements, so that whoever drives engines (the page today, the
 * scheduler worker later) never knows which library is behind one.
 */
import type { DtypePreference } from '../models/catalog.ts';

import type { DevicePreference, EngineKind, ResolvedDevice } from '../models/runtime-kinds.ts';
import type { SamplingSettings } from '../models/sampling.ts';
import type { ChatMessage } from '../models/chat.ts';

export type { DevicePreference, EngineKind, ResolvedDevice };

export interface LoadProgress {
  phase: 'fetch' | 'init' | 'warmup' | 'ready';
  /** Bytes fetched so far across all of the model's files; 0 when unknown. */
  loadedBytes: number;
  totalBytes: number;
  file?: string;
}

export interface LoadOptions {
  modelId: string;
  device: DevicePreference;
  /**
   * A model file the user opened from disk (wllama: a GGUF file), run instead of a bundled one;
   * `modelId` is then only its name. Blobs cross the worker boundary without being copied.
   */
  file?: Blob;
  /**
   * An ONNX model folder the user opened from disk (transformers.js): its files by their path below the
   * folder (`onnx/model.onnx`), read from there instead of any server; `modelId` is then only its name.
   */
  folder?: Readonly<Record<string, Blob>>;
  /** Which build (precision) of an ONNX model; absent or `auto` lets the engine pick. Other engines ignore it. */
  dtype?: DtypePreference;
  /** WASM threads asked for (the engine grid compares 1 with all); absent lets the engine's policy choose. The page's limits still apply. */
  threads?: number;
  /** For the `remote` engine: the server to use. Its API key never leaves the engine's worker. */
  remote?: RemoteConnection;
}

/** An inference server the `remote` engine speaks to (see src/workers/remote/endpoint.ts). */
export interface RemoteConnection {
  /** The endpoint's base URL, up to and including `/v1` (`http://127.0.0.1:8080/v1`). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; empty when the server needs none. */
  apiKey: string;
  /** The server's model name; empty: the first model the server lists. */
  model: string;
  server: RemoteServerKind;
  /** No first byte within this, or no event for this long mid-stream: the server is taken as stalled. */
  timeoutMs: number;
}

export type RemoteServerKind = 'llama.cpp' | 'ollama' | 'lm-studio' | 'vllm' | 'other';

export interface LoadInfo {
  modelId: string;
  engine: EngineKind;
  /** `remote`: the model runs on an inference server, not on this device. */
  device: ResolvedDevice | 'remote';
  /** Why this device was chosen, in words a user understands. */
  deviceReason: string;
  wasmThreads: number;
  /** The precision of the build that runs (transformers.js's dtype, e.g. fp32, q8, q4), where the engine knows it. */
  dtype?: string;
  footprintBytes: number;
  loadMs: number;
  warmupMs: number;
  /** For the `remote` engine: the server's host and one small request's round trip, measured at load. */
  remote?: { host: string; server: RemoteServerKind; roundTripMs: number; models: string[] };
}

export interface GenerateRequest {
  /** Raw text, fed to the model as it is (benchmarks, the bare prompt box). Ignored when `messages` is given. */
  prompt: string;
  /**
   * A conversation: the engine formats it with the model's chat template and answers as the
   * assistant. Its KV cache of the previous request is reused when this one extends it.
   */
  messages?: readonly ChatMessage[];
  maxNewTokens: number;
  /** How the next token is chosen (see src/models/sampling.ts); absent: greedy. */
  sampling?: SamplingSettings;
}

/** One decoded piece of text, stamped with the engine's clock (performance.now() in its worker). */
export interface TokenEvent {
  text: string;
  /** 0-based index of the generated token this text completes. */
  index: number;
  atMs: number;
}

/**
 * `context`: stopped because prompt and output filled the model's context window. `stop`: the
 * output reached one of the request's stop sequences (which is not part of the text).
 */
export type FinishReason = 'length' | 'eos' | 'aborted' | 'context' | 'stop';

/** Whose words an engine's own timings were reported in: a library's, or a remote server's dialect. */
export type EngineTimingSource = 'web-llm usage.extra' | 'llama.cpp timings' | 'ollama /api/chat' | 'lm-studio stats';

/**
 * An engine's own account of one request, where the library or server reports one (web-llm's
 * `usage.extra`, llama-server's `timings`, …), kept beside the timings we derive from token arrivals
 * so the two can be compared. null: not reported.
 */
export interface EngineReportedTimings {
  source: EngineTimingSource;
  ttftMs: number | null;
  prefillTps: number | null;
  decodeTps: number | null;
  timePerOutputTokenMs: number | null;
  e2eLatencyMs: number | null;
  /** Prompt tokens the server took from its cache instead of computing (llama.cpp's `cache_n`). */
  cachedPromptTokens?: number | null;
  /** Time the server spent loading the model for this request (Ollama's `load_duration`). */
  loadMs?: number | null;
}

/** What the engine measured for one request; timings are on the engine's own clock. */
export interface GenerationResult {
  text: string;
  promptTokens: number;
  outputTokens: number;
  finishReason: FinishReason;
  startedAtMs: number;
  /** When tokenisation ended and the prefill forward pass began. */
  promptReadyAtMs: number;
  /** Arrival time of each generated token. */
  tokenTimesMs: number[];
  engineTimings?: EngineReportedTimings | null;
  /** Prompt tokens taken from the engine's KV cache of an earlier request instead of prefilled again (0: none). */
  reusedPromptTokens?: number;
  /**
   * Messages left out because the conversation outgrew the model's context (the oldest turns go
   * first; the system prompt stays). 0 or absent: the whole conversation was read.
   */
  droppedMessages?: number;
}

export interface Engine {
  readonly kind: EngineKind;
  load(options: LoadOptions, onProgress: (progress: LoadProgress) => void): Promise<LoadInfo>;
  generate(request: GenerateRequest, onToken: (token: TokenEvent) => void, signal: AbortSignal): Promise<GenerationResult>;
  unload(): Promise<void>;
  footprintBytes(): number;
}
