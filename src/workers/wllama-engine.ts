/**
 * GGUF models on llama.cpp compiled to WASM (wllama) behind the Engine contract. wllama runs
 * llama.cpp in a worker of its own (started from inside this engine's worker), so this class only
 * fetches the file, checks it, hands it over and relays what comes back.
 *
 * Why the file is fetched here rather than by wllama's own downloader: the bundled files come from
 * the app's origin through the service worker (offline, checksum-keyed), progress is reported in
 * the same bytes as every other engine, and the header is checked before llama.cpp allocates
 * anything, so a truncated or foreign file is refused with its numbers instead of a WASM abort.
 * wllama takes the model as a Blob; its own cache (OPFS) is not used. A GGUF file from the model hub
 * is fetched the same way from huggingface.co and kept in a Cache API store of our own (`hubStore`,
 * see `src/models/gguf-hub.ts` for why), after its header has passed.
 */
import type { Engine, GenerateRequest, GenerationResult, LoadInfo, LoadOptions, LoadProgress, TokenEvent } from './engine.ts';
import { EngineError } from './errors.ts';
import { StopScanner } from './stop-sequences.ts';
import { sendDroppingOldestTurns } from './conversation-fit.ts';
import { formatPlainChat } from './plain-chat-format.ts';
import type { ChatMessage } from '../models/chat.ts';
import { checkGguf, parameterCountOf } from '../models/gguf-header.ts';
import { parseManifest, type ManifestModel } from '../models/manifest.ts';
import { NEEDS_DOWNLOAD_HEADER } from '../pwa/model-cache.ts';
import { ggufDownloadShort, ggufDownloadTotal, ggufHubMissing, ggufHubModel, ggufHubUrl, ggufStoreFailure, ggufStorePlan, type StorageFigures } from '../models/gguf-hub.ts';
import type { GgufHubModel } from '../models/catalog.ts';
import { describeHubLoadFailure } from './transformers-source.ts';
import {
  chooseWllamaDevice,
  contextOverflowOf,
  contextTokensFor,
  describeWllamaFailure,
  finishReasonOf,
  ggufCheckError,
  llamaCppSamplingOf,
  timingsFromLlamaCpp,
  wllamaFootprintBytes,
  wllamaThreads,
  type LlamaCppTimings,
} from './wllama-policy.ts';

/** The part of wllama's `Wllama` this engine uses (a stand-in can take its place in tests). */
export interface WllamaLike {
  loadModel(blobs: Blob[], params: Record<string, unknown>): Promise<void>;
  createCompletion(options: Record<string, unknown> & { stream: true; onData: (chunk: CompletionChunk) => void }): Promise<void>;
  /** llama-server's chat endpoint: the GGUF's own template formats the messages. */
  createChatCompletion(options: Record<string, unknown> & { stream: true; onData: (chunk: CompletionChunk) => void }): Promise<void>;
  /** The GGUF's `tokenizer.chat_template`, or null. */
  getChatTemplate(): string | null;
  getNumThreads(): number;
  isMultithread(): boolean;
  exit(): Promise<void>;
}

/** One streamed piece of llama-server's raw (`text`) or chat (`delta.content`) completion, as wllama hands it over. */
export interface CompletionChunk {
  choices?: Array<{ text?: string; delta?: { content?: string | null }; finish_reason?: string | null }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  timings?: LlamaCppTimings;
}

/** Where hub GGUF files are kept (the worker gives a Cache API store); absent: nothing is kept or read back. */
export interface HubFileStore {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
  /** The browser's storage estimate, null when it gives none. */
  estimate(): Promise<StorageFigures | null>;
}

/** A model's bytes, where they came from, and (a hub file just downloaded) how to keep them once they pass the header check. */
interface ModelBytes {
  bytes: Uint8Array;
  name: string;
  parameters: number | null;
  /** For the load's reason: where a hub file came from. */
  from?: string;
  /** A hub file's quantization in llama.cpp's lower-case words (`q8_0`), as bundled GGUF builds name theirs. */
  dtype?: string;
  /** Stores the same Blob wllama is given, so the file is not copied once more for the store. */
  keep?: (blob: Blob) => Promise<string>;
}

export interface WllamaEngineConfig {
  /** A fresh wllama per load; `log` receives llama.cpp's warnings and errors. */
  createWllama: (log: (line: string) => void) => WllamaLike;
  /** The folder that holds `manifest.json` and one folder per model. */
  modelsUrl: URL;
  fetch: typeof fetch;
  now: () => number;
  runtime: () => { crossOriginIsolated: boolean; hardwareConcurrency: number };
  hubStore?: HubFileStore;
}

const WARMUP_PROMPT = 'Hi';

/** A stream's bytes in one buffer, reporting progress per chunk. */
async function readAll(stream: ReadableStream<Uint8Array>, total: number, file: string, onProgress: (p: LoadProgress) => void): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let loaded = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    loaded += value.length;
    onProgress({ phase: 'fetch', loadedBytes: loaded, totalBytes: Math.max(total, loaded), file });
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}
const LOG_LINES_KEPT = 6;

export class WllamaEngine implements Engine {
  readonly kind = 'wllama' as const;
  private wllama: WllamaLike | null = null;
  private loaded: { info: LoadInfo; contextTokens: number } | null = null;
  private busy = false;
  private readonly log: string[] = [];

  constructor(private readonly config: WllamaEngineConfig) {}

  footprintBytes(): number {
    return this.loaded?.info.footprintBytes ?? 0;
  }

  private async findModel(modelId: string): Promise<ManifestModel> {
    const response = await this.config.fetch(new URL('manifest.json', this.config.modelsUrl));
    if (!response.ok) throw new EngineError('model-missing', 'This server has no model manifest (models/manifest.json). Run "npm run models" before building.');
    const entry = parseManifest(await response.json()).models.find((m) => m.id === modelId);
    if (!entry || entry.files.length !== 1 || !entry.files[0]!.path.endsWith('.gguf')) {
      throw new EngineError('model-missing', `${modelId} is not among the GGUF models generated for this build. Run "npm run models".`);
    }
    return entry;
  }

  /** The file's bytes, streamed with progress; a short body is caught by the header check after. */
  private async fetchFile(modelId: string, url: URL, expectedBytes: number, onProgress: (p: LoadProgress) => void): Promise<Uint8Array> {
    const file = url.pathname.split('/').pop() ?? '';
    const response = await this.config.fetch(url);
    if (response.headers.get(NEEDS_DOWNLOAD_HEADER)) {
      throw new EngineError('model-missing', `${modelId} needs a download: this device is offline and ${file} was never stored. Connect once and load it (${(expectedBytes / 1e6).toFixed(1)} MB).`);
    }
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || type.includes('text/html')) {
      throw new EngineError('model-missing', `${modelId} is missing its file ${file} on this server (HTTP ${response.ok ? 404 : response.status}). Run "npm run models".`);
    }
    const total = Math.max(expectedBytes, Number(response.headers.get('content-length')) || 0);
    if (!response.body) return new Uint8Array(await response.arrayBuffer());
    return readAll(response.body, total, file, onProgress);
  }

  /**
   * A hub GGUF file: from this device's store when it is there, else downloaded from the hub with
   * progress against the catalog's size until the hub announces the real one. Whether it will be
   * kept is decided before the download, from the storage estimate.
   */
  private async hubBytes(model: GgufHubModel, onProgress: (p: LoadProgress) => void): Promise<ModelBytes> {
    const url = ggufHubUrl(model);
    const store = this.config.hubStore;
    const dtype = model.quantization.toLowerCase();
    onProgress({ phase: 'fetch', loadedBytes: 0, totalBytes: model.fileBytes, file: model.file });
    const stored = await store?.match(url).catch(() => undefined);
    if (stored?.body) {
      const total = ggufDownloadTotal(model.fileBytes, stored.headers.get('content-length'));
      return { bytes: await readAll(stored.body, total, model.file, onProgress), name: model.file, parameters: model.parameters, dtype, from: 'stored on this device' };
    }
    const plan = ggufStorePlan(model.fileBytes, (await store?.estimate().catch(() => null)) ?? null);
    let bytes: Uint8Array;
    let length: string | null;
    try {
      const response = await this.config.fetch(url);
      if (!response.ok) throw new EngineError('model-missing', ggufHubMissing(model, response.status));
      length = response.headers.get('content-length');
      const total = ggufDownloadTotal(model.fileBytes, length);
      bytes = response.body ? await readAll(response.body, total, model.file, onProgress) : new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw describeHubLoadFailure(model.id, error);
    }
    const short = ggufDownloadShort(model, length, bytes.length);
    if (short) throw new EngineError('model-corrupt', short);
    const from = `downloaded from ${new URL(url).host}`;
    if (!store || !plan.store) return { bytes, name: model.file, parameters: model.parameters, dtype, from: `${from}, ${plan.store ? 'not stored: this browser gives no storage here' : plan.reason}` };
    const keep = async (blob: Blob): Promise<string> => {
      const headers = { 'Content-Type': 'application/octet-stream', 'Content-Length': String(blob.size) };
      try {
        await store.put(url, new Response(blob, { headers }));
        return `${from}, stored on this device`;
      } catch (error) {
        return `${from}, ${ggufStoreFailure(error instanceof Error ? error : { name: 'Error', message: String(error) })}`;
      }
    };
    return { bytes, name: model.file, parameters: model.parameters, dtype, keep };
  }

  /** The bundled file named by the manifest, a hub GGUF file, or the user's own file. */
  private async modelBytes(options: LoadOptions, onProgress: (p: LoadProgress) => void): Promise<ModelBytes> {
    const hub = options.file ? null : ggufHubModel(options.modelId);
    if (hub) return this.hubBytes(hub, onProgress);
    if (options.file) {
      onProgress({ phase: 'fetch', loadedBytes: 0, totalBytes: options.file.size, file: options.modelId });
      return { bytes: await readAll(options.file.stream(), options.file.size, options.modelId, onProgress), name: options.modelId, parameters: null };
    }
    const entry = await this.findModel(options.modelId);
    const file = entry.files[0]!;
    onProgress({ phase: 'fetch', loadedBytes: 0, totalBytes: file.bytes, file: file.path });
    const bytes = await this.fetchFile(options.modelId, new URL(`${options.modelId}/${file.path}`, this.config.modelsUrl), file.bytes, onProgress);
    return { bytes, name: file.path, parameters: entry.parameters };
  }

  async load(options: LoadOptions, onProgress: (progress: LoadProgress) => void): Promise<LoadInfo> {
    await this.unload();
    const { modelId } = options;
    const started = this.config.now();
    const device = chooseWllamaDevice(options.device, modelId);
    if (!device.ok) throw new EngineError('backend-unavailable', device.reason);
    const source = await this.modelBytes(options, onProgress);
    const { bytes, name, parameters } = source;
    const check = checkGguf(bytes, bytes.length, name);
    if (!check.ok) throw ggufCheckError(check);
    const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    const from = source.keep ? await source.keep(blob) : source.from;
    onProgress({ phase: 'init', loadedBytes: bytes.length, totalBytes: bytes.length });

    const contextTokens = contextTokensFor(check.header);
    const threads = wllamaThreads({ ...this.config.runtime(), parameters: parameters ?? parameterCountOf(check.header), requested: options.threads });
    this.log.length = 0;
    const wllama = this.config.createWllama((line) => {
      this.log.push(line);
      if (this.log.length > LOG_LINES_KEPT) this.log.shift();
    });
    try {
      await wllama.loadModel([blob], {
        n_ctx: contextTokens,
        n_threads: threads.threads,
        // CPU only: no WebGPU device is created (see chooseWllamaDevice).
        n_gpu_layers: 0,
        n_parallel: 1,
        warmup: false,
        // The GGUF's chat template is Jinja; without this llama.cpp only knows templates it can guess by name.
        jinja: true,
      });
    } catch (error) {
      await wllama.exit().catch(() => undefined);
      throw describeWllamaFailure(modelId, 'load', this.withLog(error));
    }
    this.wllama = wllama;
    const loadMs = this.config.now() - started;
    onProgress({ phase: 'warmup', loadedBytes: bytes.length, totalBytes: bytes.length });
    const warmupStart = this.config.now();
    this.loaded = {
      contextTokens,
      info: {
        modelId,
        engine: this.kind,
        device: 'wasm',
        deviceReason: `${device.reason}; llama.cpp (wllama), ${wllama.isMultithread() ? `${wllama.getNumThreads()} threads` : threads.threads > 1 ? '1 thread: shared memory was refused' : threads.reason}${from ? `; ${name} ${from}` : ''}`,
        wasmThreads: wllama.isMultithread() ? wllama.getNumThreads() : 1,
        ...(source.dtype ? { dtype: source.dtype } : {}),
        footprintBytes: wllamaFootprintBytes(bytes.length, check.header, contextTokens),
        loadMs,
        warmupMs: 0,
      },
    };
    try {
      await this.run({ prompt: WARMUP_PROMPT, maxNewTokens: 2 }, () => {}, new AbortController().signal);
    } catch (error) {
      await this.unload();
      throw error;
    }
    this.loaded.info.warmupMs = this.config.now() - warmupStart;
    onProgress({ phase: 'ready', loadedBytes: bytes.length, totalBytes: bytes.length });
    return { ...this.loaded.info };
  }

  /** wllama's errors say little; llama.cpp's last log lines say what went wrong. */
  private withLog(error: unknown): unknown {
    if (this.log.length === 0) return error;
    const message = error instanceof Error ? error.message : String(error);
    const wrapped = new Error(`${message}: ${this.log.join(' | ')}`);
    const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
    return Object.assign(wrapped, { type });
  }

  generate(request: GenerateRequest, onToken: (token: TokenEvent) => void, signal: AbortSignal): Promise<GenerationResult> {
    if (!this.loaded) return Promise.reject(new EngineError('not-loaded', 'No model is loaded; load one first.'));
    return this.run(request, onToken, signal);
  }

  private async run(request: GenerateRequest, onToken: (token: TokenEvent) => void, signal: AbortSignal): Promise<GenerationResult> {
    const wllama = this.wllama;
    const loaded = this.loaded;
    if (!wllama || !loaded) throw new EngineError('not-loaded', 'No model is loaded; load one first.');
    if (this.busy) throw new EngineError('busy', 'This engine is already generating; wait for it or stop it first.');
    this.busy = true;
    const modelId = loaded.info.modelId;
    const maxNewTokens = Math.max(1, Math.min(request.maxNewTokens, loaded.contextTokens - 1));
    const tokenTimesMs: number[] = [];
    let text = '';
    let last: CompletionChunk | null = null;
    let finish: string | null = null;
    const startedAtMs = this.config.now();
    // A stop sequence ends the completion the way Stop does: through wllama's abort signal.
    const scanner = new StopScanner(request.sampling?.stop ?? []);
    const ending = new AbortController();
    const onAbort = (): void => ending.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) ending.abort();
    let lastIndex = 0;
    const show = (piece: string, index: number, atMs: number): void => {
      const step = scanner.push(piece);
      if (step.emit) {
        text += step.emit;
        onToken({ text: step.emit, index, atMs });
      }
      if (step.stopped) ending.abort();
    };
    const onData = (chunk: CompletionChunk): void => {
      last = chunk;
      const choice = chunk.choices?.[0];
      if (choice?.finish_reason) finish = choice.finish_reason;
      const piece = choice?.text ?? choice?.delta?.content ?? '';
      if (!piece || scanner.stopped) return;
      const atMs = this.config.now();
      lastIndex = tokenTimesMs.length;
      tokenTimesMs.push(atMs);
      show(piece, lastIndex, atMs);
    };
    const common = { stream: true as const, max_tokens: maxNewTokens, ...llamaCppSamplingOf(request.sampling), abortSignal: ending.signal, onData };
    // A conversation keeps llama.cpp's prompt cache: the next turn recomputes only what it adds
    // (llama-server compares the tokens itself). A raw prompt pays its own prefill, so that
    // benchmarks stay comparable.
    const complete = (messages: ChatMessage[] | null): Promise<void> =>
      messages === null
        ? wllama.createCompletion({ ...common, prompt: request.prompt, cache_prompt: false })
        : wllama.getChatTemplate()
          ? wllama.createChatCompletion({ ...common, messages, cache_prompt: true })
          : wllama.createCompletion({ ...common, prompt: formatPlainChat(messages), cache_prompt: true });
    let droppedMessages = 0;
    try {
      if (request.messages) {
        // llama.cpp counts the prompt and refuses it whole before computing anything.
        ({ droppedMessages } = await sendDroppingOldestTurns(modelId, request.messages, complete, contextOverflowOf));
      } else {
        await complete(null);
      }
    } catch (error) {
      if (!ending.signal.aborted) throw describeWllamaFailure(modelId, 'generate', this.withLog(error));
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.busy = false;
    }
    const rest = scanner.flush();
    if (rest) {
      text += rest;
      onToken({ text: rest, index: lastIndex, atMs: this.config.now() });
    }
    const final = last as CompletionChunk | null;
    const timings = final?.timings;
    return {
      text,
      promptTokens: final?.usage?.prompt_tokens ?? (timings?.prompt_n ?? 0) + (timings?.cache_n ?? 0),
      outputTokens: Math.max(tokenTimesMs.length, final?.usage?.completion_tokens ?? timings?.predicted_n ?? 0),
      finishReason: scanner.stopped ? 'stop' : finishReasonOf(finish, signal.aborted, maxNewTokens < request.maxNewTokens),
      startedAtMs,
      promptReadyAtMs: startedAtMs,
      tokenTimesMs,
      engineTimings: timingsFromLlamaCpp(timings),
      ...(request.messages ? { droppedMessages, ...(typeof timings?.cache_n === 'number' ? { reusedPromptTokens: timings.cache_n } : {}) } : {}),
    };
  }

  async unload(): Promise<void> {
    const wllama = this.wllama;
    this.wllama = null;
    this.loaded = null;
    if (wllama) await wllama.exit();
  }
}
