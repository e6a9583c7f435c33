import { batch, computed, signal } from '@preact/signals';
import { EngineClient } from '../../workers/engine-client.ts';
import { FrameRecorder } from '../quality/frame-recorder.ts';
import { summarizeFrames } from '../../metrics/frame-window.ts';
import { CATALOG, DEFAULT_MODEL_ID, engineOf, ONNX_DTYPES, type DtypePreference } from '../../models/catalog.ts';
import { dtypeOptions } from '../../models/bundled-builds.ts';
import { refreshStoredHub, storedHub } from '../offline/stored-hub.ts';
import { modelChoices } from '../../models/model-choices.ts';
import { parseManifest, type ManifestModel } from '../../models/manifest.ts';
import { buildRunRecord, runFrames, type RunRecord } from '../../metrics/run-record.ts';
import { pageStoreOptions, RunStore, StorageFullError } from '../../metrics/run-store.ts';
import { runSamples } from '../../metrics/run-samples.ts';
import { BaselineBook } from './baseline-book.ts';
import type { RunEnvironment } from '../../metrics/run-environment.ts';
import type { PagePerf } from '../perf/page-perf.ts';
import type { PreflightAnswer } from '../../tiers/index.ts';

export type { PreflightAnswer };
import type { DevicePreference, FinishReason, LoadInfo, LoadProgress } from '../../workers/engine.ts';
import type { ChatMessage } from '../../models/chat.ts';
import { isEngineLost, toEngineError } from '../../workers/errors.ts';
import { remoteStore } from '../remote/remote-store.ts';
import { samplingStore } from './sampling-store.ts';
import type { CachedReplay, SessionResponseCache } from '../cache/response-cache-store.ts';
import type { RunFailure } from '../monitor/run-diagnosis.ts';
import type { BudgetLimits } from '../../tiers/index.ts';
import { isModelFileId } from '../../models/model-files.ts';
import { ModelFileStore, type FolderEntry } from './model-file-store.ts';
import { AutoBuild } from './auto-build.ts';

export type LoadState =
  | { status: 'idle' }
  | { status: 'loading'; modelId: string; progress: LoadProgress }
  | { status: 'ready'; info: LoadInfo; device: DevicePreference; dtype?: DtypePreference }
  | { status: 'failed'; modelId: string };

/** Asked before every load; null means "no opinion" (e.g. the model is not in the manifest). */
/** `model`: the bundled model's manifest entry, undefined for a hub model (known by `modelId` alone). */
export type PreflightHook = (model: ManifestModel | undefined, modelId: string) => Promise<PreflightAnswer | null>;

export interface SessionOptions {
  preflight?: PreflightHook;
  /** The environment fingerprint stamped on each run (browser, adapter, tier, dtype). */
  environment?: () => RunEnvironment;
  /** Answers a repeated deterministic request without the engine (src/app/cache); absent: every run is real. */
  responseCache?: SessionResponseCache;
  /** This device's memory budget for models, which a model file the user opens must fit (null: not known yet). */
  budget?: () => BudgetLimits | null;
}

/** One turn of a conversation: the engine gets `messages`, and the run record says which conversation and turn it measured. */
export interface ConversationTurnRequest {
  messages: readonly ChatMessage[];
  conversationId: string;
  turn: number;
}

/** What a turn's run gave: its text (what arrived, when it failed), and its record once that is on disk (null: not stored). */
export interface TurnOutcome {
  modelId: string;
  text: string;
  finish: FinishReason | 'failed';
  droppedMessages: number;
  reusedPromptTokens: number;
  /** The response cache answered: no engine ran, so no run is stored. */
  cached: boolean;
  saved: Promise<RunRecord | null>;
}

const HISTORY_LIMIT = 50;
const PREFERENCES_KEY = 'wirthforge.preferences';

interface Preferences {
  modelId: string;
  device: DevicePreference;
  dtype?: DtypePreference;
  maxNewTokens: number;
  /** The family whose "Auto (fastest build measured here)" was chosen; absent when a model was chosen directly. */
  autoBuild?: string;
}

function readPreferences(): Preferences {
  const defaults: Preferences = { modelId: DEFAULT_MODEL_ID, device: 'auto', maxNewTokens: 64 };
  try {
    const stored = JSON.parse(localStorage.getItem(PREFERENCES_KEY) ?? '{}') as Partial<Preferences>;
    return {
      modelId: typeof stored.modelId === 'string' ? stored.modelId : defaults.modelId,
      device: stored.device === 'wasm' || stored.device === 'webgpu' ? stored.device : defaults.device,
      dtype: (ONNX_DTYPES as readonly unknown[]).includes(stored.dtype) ? stored.dtype : 'auto',
      maxNewTokens: typeof stored.maxNewTokens === 'number' && stored.maxNewTokens > 0 ? stored.maxNewTokens : defaults.maxNewTokens,
      ...(typeof stored.autoBuild === 'string' ? { autoBuild: stored.autoBuild } : {}),
    };
  } catch {
    return defaults;
  }
}

/** The page's state and the actions on it; components only read signals and call these. */
export class Session {
  private readonly engine = new EngineClient();
  readonly store = new RunStore(pageStoreOptions());
  readonly baselines = new BaselineBook(this.store);
  private abortController: AbortController | null = null;
  /** The model whose worker died, until it is loaded again (the next load says why it reloads). */
  private lostModel: string | null = null;

  readonly modelId = signal(DEFAULT_MODEL_ID);
  readonly device = signal<DevicePreference>('auto');
  /** The precision asked for; a model without that build loads its default (see `dtypeChoice`). */
  readonly dtype = signal<DtypePreference>('auto');
  readonly maxNewTokens = signal(64);
  readonly prompt = signal('');
  readonly available = signal<ManifestModel[]>([]);
  /** The manifest was read (or failed): until then no bundled model is called "not generated". */
  readonly manifestRead = signal(false);
  readonly load = signal<LoadState>({ status: 'idle' });
  readonly output = signal('');
  readonly generating = signal(false);
  readonly lastRun = signal<RunRecord | null>(null);
  /** The last run was answered from the response cache: shown as such, never as a measurement (lastRun is then null). */
  readonly cachedRun = signal<CachedReplay | null>(null);
  readonly history = signal<RunRecord[]>([]);
  readonly error = signal<string | null>(null);
  /** The engine failure behind `error`, for the run's "Why?" (null when the error is not the engine's). */
  readonly failure = signal<RunFailure | null>(null);
  readonly notice = signal<string | null>(null);
  /** Loads and generations the engine failed, counted for the monitor's "repeated engine failures" alert. */
  readonly engineFailures = signal(0);

  /** Hub models stored on this device (they load offline). */
  readonly storedHub = storedHub;
  /** Model files the user opened from disk this session. */
  readonly modelFiles: ModelFileStore;
  /** The model select's "Auto (fastest build measured here)". */
  readonly autoBuild: AutoBuild;

  readonly models = computed(() => [
    ...this.modelFiles.choices.value,
    ...modelChoices(CATALOG, this.manifestRead.value ? new Set(this.available.value.map((m) => m.id)) : null, this.storedHub.value),
    ...remoteStore.choices.value.map((c) => ({ id: c.id, availability: 'remote' as const, optionLabel: c.label, hint: c.hint })),
  ]);
  readonly dtypeOptions = computed(() => this.modelFiles.dtypeOptionsFor(this.modelId.value) ?? dtypeOptions(this.available.value.find((m) => m.id === this.modelId.value)));
  readonly dtypeChoice = computed(() => (this.dtypeOptions.value.some((o) => o.value === this.dtype.value) ? this.dtype.value : 'auto'));

  constructor(
    private readonly appVersion: string,
    private readonly perf: PagePerf,
    private readonly options: SessionOptions = {},
  ) {
    this.modelFiles = new ModelFileStore(options.budget ?? (() => null), () => this.dtype.value);
    const preferences = readPreferences();
    this.modelId.value = preferences.modelId;
    this.device.value = preferences.device;
    this.dtype.value = preferences.dtype ?? 'auto';
    this.maxNewTokens.value = preferences.maxNewTokens;
    this.autoBuild = new AutoBuild({
      modelId: this.modelId,
      device: this.device,
      dtype: this.dtype,
      available: this.available,
      history: this.history,
      hardwareId: () => options.environment?.().hardwareId ?? null,
    });
    this.autoBuild.family.value = preferences.autoBuild ?? null;
    // A worker that dies between runs: the status stops saying "Loaded" at once, and the next Generate
    // loads the model again (a death during a run is reported by the run itself).
    this.engine.onCrash((failure) => {
      const state = this.load.peek();
      if (state.status === 'ready') this.lostModel = state.info.modelId;
      if (this.generating.peek()) return;
      batch(() => {
        if (this.load.peek().status === 'ready') this.load.value = { status: 'idle' };
        this.error.value = failure.message;
        this.engineFailures.value++;
      });
    });
  }

  async init(): Promise<void> {
    await Promise.all([this.readManifest(), this.refreshHistory(), refreshStoredHub(), this.baselines.refresh(), this.modelFiles.restore()]);
  }

  private async readManifest(): Promise<void> {
    try {
      const response = await fetch(new URL('models/manifest.json', new URL(import.meta.env.BASE_URL, location.origin)));
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.available.value = parseManifest(await response.json()).models;
    } catch (error) {
      this.error.value = `The list of bundled models could not be read (${error instanceof Error ? error.message : String(error)}).`;
    } finally {
      this.manifestRead.value = true;
    }
  }

  private async refreshHistory(): Promise<void> {
    try {
      this.history.value = await this.store.recent(HISTORY_LIMIT);
    } catch (error) {
      this.notice.value = `History is unavailable: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /** A model file from disk: checked, and chosen when it is accepted; a refused one leaves the choice as it was. */
  async openModelFile(file: File): Promise<void> {
    const model = await this.modelFiles.open(file);
    if (model) this.modelId.value = model.id;
  }

  /** An ONNX model folder from disk: the same, for transformers.js. */
  async openModelFolder(entries: readonly FolderEntry[] | Promise<readonly FolderEntry[]>): Promise<void> {
    const model = await this.modelFiles.openFolder(entries);
    if (model) this.modelId.value = model.id;
  }

  savePreferences(): void {
    // A file opened from disk is gone after a reload: the stored choice stays the last model that is not one.
    const modelId = isModelFileId(this.modelId.value) ? readPreferences().modelId : this.modelId.value;
    const autoBuild = this.autoBuild.family.value;
    const preferences: Preferences = { modelId, device: this.device.value, dtype: this.dtype.value, maxNewTokens: this.maxNewTokens.value, ...(autoBuild !== null ? { autoBuild } : {}) };
    try {
      localStorage.setItem(PREFERENCES_KEY, JSON.stringify(preferences));
    } catch {
      // Private mode or a full quota: preferences are a convenience, the session goes on without them.
    }
  }

  private isLoaded(): boolean {
    const state = this.load.value;
    return state.status === 'ready' && state.info.modelId === this.modelId.value && state.device === this.device.value && state.dtype === this.dtypeChoice.value;
  }

  /** `stop`: a Stop while loading ends the load (its worker is ended) without calling it a failure. */
  async loadModel(stop?: AbortSignal): Promise<boolean> {
    const modelId = this.modelId.value;
    const device = this.device.value;
    const dtype = this.dtypeChoice.value;
    batch(() => {
      this.error.value = null;
      this.failure.value = null;
    });
    if (!(await this.passesPreflight(modelId))) return false;
    if (this.lostModel === modelId) this.notice.value = `Loading ${modelId} again in a fresh worker: the previous one stopped.`;
    const endLoad = (): void => this.engine.dispose();
    stop?.addEventListener('abort', endLoad, { once: true });
    this.load.value = { status: 'loading', modelId, progress: { phase: 'fetch', loadedBytes: 0, totalBytes: 0 } };
    // Progress comes on a channel of its own: one that arrives after the load has failed or finished must not
    // turn the status back into 'loading'.
    let settled = false;
    try {
      const info = await this.engine.load(
        { modelId, device, dtype, ...remoteStore.loadOptionsFor(modelId), ...this.modelFiles.loadOptionsFor(modelId) },
        (progress) => {
          // Progress and the answer travel apart: a late progress event must not turn 'ready' back into 'loading'.
          if (!settled) this.load.value = { status: 'loading', modelId, progress };
        },
        engineOf(modelId),
      );
      settled = true;
      // What the load stored (a hub model's files) is read back by the storage store's afterLoad.
      this.load.value = { status: 'ready', info, device, dtype };
      this.lostModel = null;
      return true;
    } catch (error) {
      if (stop?.aborted) {
        batch(() => {
          this.load.value = { status: 'idle' };
          this.notice.value = `Stopped while loading ${modelId}; nothing was generated.`;
        });
        return false;
      }
      batch(() => {
        this.load.value = { status: 'failed', modelId };
        this.error.value = toEngineError(error).message;
        this.failure.value = { modelId, device, stage: 'load', message: this.error.value };
        this.engineFailures.value++;
      });
      return false;
    } finally {
      settled = true;
      stop?.removeEventListener('abort', endLoad);
    }
  }

  /** Refused: the numbers and the suggestion go to the error banner and nothing loads. Warned: a notice. */
  private async passesPreflight(modelId: string): Promise<boolean> {
    const check = this.options.preflight;
    if (!check) return true;
    let answer: PreflightAnswer | null = null;
    try {
      answer = await check(this.available.value.find((m) => m.id === modelId), modelId);
    } catch {
      // A failing check must not stand between the user and the model: the engine has its own errors.
    }
    if (!answer || answer.verdict === 'ok') return true;
    const text = [answer.message, answer.suggestion].filter(Boolean).join(' ');
    if (answer.verdict === 'refuse') {
      this.error.value = `Not loaded: ${text}`;
      return false;
    }
    this.notice.value = text;
    return true;
  }

  /**
   * One run: the prompt box's raw prompt, or a conversation's turn (`chat`). Answers null when nothing
   * was generated (busy, invalid settings, the load failed or was stopped). `cache: false`: a real run
   * even when the response cache holds the answer (a comparison measures).
   */
  async generate(options: { chat?: ConversationTurnRequest; cache?: boolean } = {}): Promise<TurnOutcome | null> {
    if (this.generating.value) return null;
    const { chat } = options;
    // An engine that does not read `messages` yet answers the question itself, as a raw prompt.
    const prompt = chat ? (chat.messages.at(-1)?.content ?? '') : this.prompt.value;
    if (!prompt.trim()) {
      this.error.value = 'Type a prompt first.';
      return null;
    }
    const sampling = samplingStore.settings.value;
    if (!sampling) {
      this.error.value = 'A sampling setting is not valid: see the message beside it.';
      return null;
    }
    this.generating.value = true;
    let modelId = this.modelId.value;
    // Made before the load, so that Stop ends whatever stage the run is in.
    const controller = new AbortController();
    this.abortController = controller;
    try {
      if (!this.isLoaded() && !(await this.loadModel(controller.signal))) return null;
      const state = this.load.value;
      if (state.status !== 'ready' || controller.signal.aborted) return null;
      modelId = state.info.modelId;
      batch(() => {
        this.error.value = null;
        this.failure.value = null;
        this.output.value = '';
        this.cachedRun.value = null;
      });
      const request = { prompt, ...(chat ? { messages: chat.messages } : {}), maxNewTokens: this.maxNewTokens.value, sampling };
      const cacheable = { request, load: state.info, model: this.available.value.find((m) => m.id === state.info.modelId) };
      const cache = options.cache === false ? undefined : this.options.responseCache;
      // A replay writes no run record and nothing on the token feed: it is not a measurement.
      const replayed = await cache?.replay(cacheable, (text) => (this.output.value += text), controller.signal);
      if (replayed) {
        batch(() => {
          this.cachedRun.value = replayed;
          this.lastRun.value = null;
        });
        const finish = replayed.complete ? replayed.finishReason : 'aborted';
        return { modelId, text: this.output.value, finish, droppedMessages: 0, reusedPromptTokens: 0, cached: true, saved: Promise.resolve(null) };
      }
      // Every frame of this run, however long it is (the loop's own summary keeps only its last 5 s).
      const frameRecorder = new FrameRecorder();
      const { frameLoop, tokenFeed } = this.perf;
      frameRecorder.start(frameLoop, tokenFeed);
      const stream = { lane: 'session', label: state.info.modelId, streamId: `session-${Date.now()}` };
      let position = 0;
      tokenFeed.stream({ ...stream, kind: 'start', at: performance.now() });
      const generation = await this.engine.generate(
        request,
        (token) => {
          // The output pane reads the signal without re-rendering and writes the text once per frame.
          this.output.value += token.text;
          tokenFeed.tokens({ ...stream, text: token.text, position: position++, tokens: 1, at: performance.now() });
        },
        controller.signal,
      )
        .finally(() => tokenFeed.stream({ ...stream, kind: 'end', at: performance.now() }))
        .catch((error: unknown) => {
          frameRecorder.stop();
          throw error;
        });
      const recorded = await frameRecorder.stopAfterNextFrame(frameLoop);
      const record = buildRunRecord({
        at: Date.now(),
        appVersion: this.appVersion,
        prompt,
        load: state.info,
        result: generation.result,
        page: { sentAtMs: generation.sentAtMs, arrivalTimesMs: generation.arrivals.map((a) => a.arrivedAtMs), endedAtMs: generation.endedAtMs },
        environment: this.options.environment?.(),
        sampling,
      });
      const frames = summarizeFrames(recorded.frames, frameLoop.targetFps, recorded.longAnimationFrames);
      if (frames.frames > 0) record.frames = runFrames(frames);
      if (chat) Object.assign(record, { conversationId: chat.conversationId, turn: chat.turn });
      if (this.autoBuild.chose(record.modelId)) record.choice = 'auto';
      this.lastRun.value = record;
      cache?.remember(cacheable, generation);
      const saved = this.persist(record, runSamples(generation.result.tokenTimesMs, generation.arrivals.map((a) => a.arrivedAtMs)));
      const { text, finishReason, droppedMessages = 0, reusedPromptTokens = 0 } = generation.result;
      return { modelId, text, finish: finishReason, droppedMessages, reusedPromptTokens, cached: false, saved };
    } catch (error) {
      const failure = toEngineError(error);
      // Stopped, and the worker did not answer in time: the run ends here all the same, with the text so far.
      if (controller.signal.aborted && isEngineLost(failure)) this.notice.value = `Stopped. ${failure.message}`;
      else this.error.value = failure.message;
      // A busy engine or an over-long prompt is the request's fault, not the engine's.
      if (failure.code !== 'busy' && failure.code !== 'prompt-too-long') {
        this.engineFailures.value++;
        if (!controller.signal.aborted) this.failure.value = { modelId, device: this.device.value, stage: 'generate', message: failure.message };
      }
      if (this.load.value.status === 'ready' && isEngineLost(failure)) this.load.value = { status: 'idle' };
      return { modelId, text: this.output.value, finish: 'failed', droppedMessages: 0, reusedPromptTokens: 0, cached: false, saved: Promise.resolve(null) };
    } finally {
      this.abortController = null;
      this.generating.value = false;
    }
  }

  /**
   * Runs after the stream has ended, so storage never holds up a token. The history shows the run
   * once its record is on disk (a crash after that keeps it); again once its samples' batch has
   * applied the retention caps, so the list shows what is kept. Answers the stored record as soon as
   * it is on disk (null when it could not be stored). The council stores its members' runs through it
   * too, so they share the store, its batching and History.
   */
  persist(record: RunRecord, samples: ReturnType<typeof runSamples>): Promise<RunRecord | null> {
    const stored = this.store.saveRun(record, samples);
    void stored.then(
      async (saved) => {
        const showStored = async () => {
          const fallback = [saved.record, ...this.history.value.filter((r) => r.id !== saved.record.id)].slice(0, HISTORY_LIMIT);
          this.history.value = await this.store.recent(HISTORY_LIMIT).catch(() => fallback);
        };
        await showStored();
        await saved.samples.then(showStored, (error: Error) => void (this.notice.value = error.message));
      },
      (error: unknown) => {
        if (error instanceof StorageFullError) this.error.value = error.message;
        else this.notice.value = `This run could not be saved (${error instanceof Error ? error.message : String(error)}); earlier history is untouched.`;
      },
    );
    return stored.then(
      (saved) => saved.record,
      () => null,
    );
  }

  stop(): void {
    this.abortController?.abort();
  }

  /** Stops a run, ends the engine's worker and writes what is still batched. */
  dispose(): void {
    this.stop();
    this.engine.dispose();
    this.autoBuild.dispose();
    void this.store.flush();
  }

  async clearHistory(): Promise<void> {
    await this.store.clear();
    this.history.value = [];
  }
}
