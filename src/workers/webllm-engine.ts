/**
 * web-llm behind the Engine contract. One MLCEngine per worker: web-llm's `reload` unloads every
 * model its engine holds, so two council members sharing one would evict each other.
 *
 * Models are web-llm's prebuilt MLC builds from the hub, picked per adapter (q4f16_1 with
 * `shader-f16`, q4f32_1 otherwise). Downloads are cached with the Cache API (`cacheBackend: 'cache'`):
 * web-llm's best-tested backend, it streams each shard to disk without holding it in JS memory, the
 * app's "Delete all data" already clears every cache of the origin, and storage persistence (asked
 * for in the storage panel) covers it like the bundled models' cache.
 *
 * Timings: token pieces are stamped on arrival here, web-llm's own figures (`usage.extra`) ride
 * along (see `timingsFromUsage`). Failures get their codes in errors.ts.
 */
import type { AppConfig, ChatCompletionChunk, InitProgressReport, ModelRecord } from '@mlc-ai/web-llm';
import type { Engine, GenerateRequest, GenerationResult, LoadInfo, LoadOptions, LoadProgress, TokenEvent } from './engine.ts';
import { EngineError, describeFailure } from './errors.ts';
import { chooseWebLlmBuild, contextOverflowOf, finishReasonOf, hubArtifacts, progressFromReport, timingsFromUsage, unreachableHost, webLlmSamplingOf, type UsageLike, type WebGpuProbe, type WebLlmSampling } from './webllm-policy.ts';
import { sendDroppingOldestTurns } from './conversation-fit.ts';
import type { ChatMessage, ChatRole } from '../models/chat.ts';
import { hubBuild, hubDownloadBytes, hubFootprintBytes, type HubBuild } from '../models/catalog.ts';

/** The part of web-llm's MLCEngine this engine uses. */
export interface MlcEngineLike {
  setAppConfig(config: AppConfig): void;
  setInitProgressCallback(callback: (report: InitProgressReport) => void): void;
  reload(modelId: string): Promise<void>;
  unload(): Promise<void>;
  interruptGenerate(): void;
  resetChat(): Promise<void>;
  chat: {
    completions: {
      create(
        request: {
          messages: { role: ChatRole; content: string }[];
          stream: true;
          stream_options: { include_usage: true };
          max_tokens: number;
        } & WebLlmSampling,
      ): Promise<AsyncIterable<ChatCompletionChunk>>;
    };
  };
}

export interface WebLlmEngineDeps {
  createEngine(): MlcEngineLike;
  /** web-llm's prebuilt model records (its `prebuiltAppConfig.model_list`). */
  records: readonly ModelRecord[];
  probeWebGpu(): Promise<WebGpuProbe>;
  /** Whether web-llm's cache `scope` holds `url` (tells where an offline load stopped). */
  isStored(scope: string, url: string): Promise<boolean>;
  now(): number;
}

/** web-llm's Cache API scopes for configs and libraries. */
const CONFIG_SCOPE = 'webllm/config';
const LIBRARY_SCOPE = 'webllm/wasm';

const WARMUP_PROMPT = 'Hi';

interface Loaded {
  info: LoadInfo;
  build: HubBuild;
}

export class WebLlmEngine implements Engine {
  readonly kind = 'web-llm' as const;
  private mlc: MlcEngineLike | null = null;
  private loaded: Loaded | null = null;
  private busy = false;
  /** Bumped by every load and unload, so a load overtaken by an unload knows it was stopped. */
  private generation = 0;
  private onProgress: (progress: LoadProgress) => void = () => {};
  private estimateBytes = 0;

  constructor(private readonly deps: WebLlmEngineDeps) {}

  footprintBytes(): number {
    return this.loaded?.info.footprintBytes ?? 0;
  }

  private engine(): MlcEngineLike {
    if (!this.mlc) {
      this.mlc = this.deps.createEngine();
      this.mlc.setInitProgressCallback((report) => this.onProgress(progressFromReport(report, this.estimateBytes)));
    }
    return this.mlc;
  }

  async load(options: LoadOptions, onProgress: (progress: LoadProgress) => void): Promise<LoadInfo> {
    await this.unload();
    const ticket = ++this.generation;
    const started = this.deps.now();
    const choice = chooseWebLlmBuild(options.device, await this.deps.probeWebGpu(), options.modelId);
    if (!choice.ok) throw new EngineError('backend-unavailable', choice.reason);
    const found = hubBuild(options.modelId, choice.variant);
    const record = found && this.deps.records.find((r) => r.model_id === found.build.mlcModelId);
    if (!found || !record) {
      throw new EngineError('model-missing', `${options.modelId} is not a web-llm model this app knows; choose one from the model list.`);
    }
    const buildId = found.build.mlcModelId;
    this.estimateBytes = hubDownloadBytes(found.model, found.variant);
    this.onProgress = onProgress;
    onProgress({ phase: 'fetch', loadedBytes: 0, totalBytes: this.estimateBytes });

    const mlc = this.engine();
    mlc.setAppConfig({ model_list: [record], cacheBackend: 'cache' });
    try {
      await mlc.reload(buildId);
    } catch (error) {
      throw describeFailure(error, { modelId: buildId, stage: 'load', host: await this.failedHost(record) });
    } finally {
      this.onProgress = () => {};
    }
    // web-llm's reload returns quietly when an unload aborted it.
    if (ticket !== this.generation) throw new EngineError('not-loaded', `Loading ${buildId} was stopped before it finished.`);
    const loadMs = this.deps.now() - started;

    onProgress({ phase: 'warmup', loadedBytes: this.estimateBytes, totalBytes: this.estimateBytes });
    const warmupStart = this.deps.now();
    this.loaded = {
      build: found.build,
      info: {
        modelId: options.modelId,
        engine: this.kind,
        device: 'webgpu',
        deviceReason: choice.reason,
        wasmThreads: 0,
        footprintBytes: hubFootprintBytes(found.build),
        loadMs,
        warmupMs: 0,
      },
    };
    try {
      await this.run({ prompt: WARMUP_PROMPT, maxNewTokens: 2 }, () => {}, new AbortController().signal);
      await mlc.resetChat();
    } catch (error) {
      this.loaded = null;
      throw error;
    }
    this.loaded.info.warmupMs = this.deps.now() - warmupStart;
    onProgress({ phase: 'ready', loadedBytes: this.estimateBytes, totalBytes: this.estimateBytes });
    return { ...this.loaded.info };
  }

  /** The host a failed load could not reach, judged by what web-llm had stored before it stopped. */
  private async failedHost(record: ModelRecord): Promise<string> {
    const artifacts = hubArtifacts(record);
    const [config, library] = await Promise.all([
      this.deps.isStored(CONFIG_SCOPE, artifacts.configUrl).catch(() => false),
      this.deps.isStored(LIBRARY_SCOPE, artifacts.libraryUrl).catch(() => false),
    ]);
    return unreachableHost(artifacts, { config, library });
  }

  generate(request: GenerateRequest, onToken: (token: TokenEvent) => void, signal: AbortSignal): Promise<GenerationResult> {
    if (!this.loaded) return Promise.reject(new EngineError('not-loaded', 'No model is loaded; load one first.'));
    return this.run(request, onToken, signal);
  }

  private async run(request: GenerateRequest, onToken: (token: TokenEvent) => void, signal: AbortSignal): Promise<GenerationResult> {
    const mlc = this.mlc;
    const loaded = this.loaded;
    if (!mlc || !loaded) throw new EngineError('not-loaded', 'No model is loaded; load one first.');
    if (this.busy) throw new EngineError('busy', 'This engine is already generating; wait for it or stop it first.');
    this.busy = true;
    const onAbort = (): void => mlc.interruptGenerate();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const startedAtMs = this.deps.now();
      const tokenTimesMs: number[] = [];
      let text = '';
      let usage: UsageLike | null = null;
      let reason: string | null = null;
      const stream = async (messages: ChatMessage[]): Promise<void> => {
        const chunks = await mlc.chat.completions.create({
          messages: messages.map((m) => ({ role: m.role, content: m.content })),
          stream: true,
          stream_options: { include_usage: true },
          max_tokens: request.maxNewTokens,
          // Greedy unless the request says otherwise, as every engine decodes.
          ...webLlmSamplingOf(request.sampling),
        });
        if (signal.aborted) mlc.interruptGenerate();
        for await (const chunk of chunks) {
          const choice = chunk.choices[0];
          const piece = choice?.delta.content ?? '';
          if (piece) {
            const atMs = this.deps.now();
            tokenTimesMs.push(atMs);
            text += piece;
            onToken({ text: piece, index: tokenTimesMs.length - 1, atMs });
          }
          if (choice?.finish_reason) reason = choice.finish_reason;
          if (chunk.usage) usage = chunk.usage;
        }
      };
      let droppedMessages = 0;
      if (!signal.aborted) {
        // web-llm formats the messages with the model's own conversation template and, when they
        // extend the conversation it served last (its reply included), prefills only the new turn.
        // A raw prompt is one user message: a different conversation, so web-llm starts afresh.
        if (request.messages) {
          ({ droppedMessages } = await sendDroppingOldestTurns(loaded.build.mlcModelId, request.messages, stream, contextOverflowOf));
        } else {
          await stream([{ role: 'user', content: request.prompt }]);
        }
      }
      const timings = timingsFromUsage(usage, { startedAtMs, tokenTimesMs });
      return {
        text,
        promptTokens: timings.promptTokens,
        outputTokens: timings.outputTokens,
        finishReason: finishReasonOf(reason, signal.aborted),
        startedAtMs,
        promptReadyAtMs: timings.promptReadyAtMs,
        tokenTimesMs,
        engineTimings: timings.engineTimings,
        ...(request.messages ? { droppedMessages } : {}),
      };
    } catch (error) {
      throw describeFailure(error, { modelId: loaded.build.mlcModelId, stage: 'generate' });
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.busy = false;
    }
  }

  async unload(): Promise<void> {
    this.generation++;
    this.loaded = null;
    this.onProgress = () => {};
    if (this.mlc) await this.mlc.unload();
  }
}
