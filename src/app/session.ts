import { batch, computed, signal } from '@preact/signals';
import { EngineClient } from './engine-client.ts';
import { FrameRecorder } from './quality/frame-recorder.ts';
import { summarizeFrames } from './perf/frame-window.ts';
import { tokenFeed } from './perf/token-feed.ts';
import { CATALOG, DEFAULT_MODEL_ID, engineOf } from '../models/catalog.ts';
import { refreshStoredHub, storedHub } from './stored-hub.ts';
import { modelChoices } from '../models/model-choices.ts';
import { parseManifest, type ManifestModel } from '../models/manifest.ts';
import { buildRunRecord, runFrames, type RunRecord } from '../metrics/run-record.ts';
import { pageStoreOptions, RunStore, StorageFullError } from '../metrics/run-store.ts';
import { runSamples } from '../metrics/run-samples.ts';
import { BaselineBook } from '../metrics/baseline-book.ts';
import type { RunEnvironment } from '../metrics/run-environment.ts';
import { frameLoop } from './perf/frame-loop.ts';
import type { DevicePreference, LoadInfo, LoadProgress } from '../workers/engine.ts';
import { isEngineLost, toEngineError } from '../workers/errors.ts';
import { remoteStore } from './remote/remote-store.ts';

export type LoadState =
  | { status: 'idle' }
  | { status: 'loading'; modelId: string; progress: LoadProgress }
  | { status: 'ready'; info: LoadInfo; device: DevicePreference }
  | { status: 'failed'; modelId: string };

/** A pre-flight check's answer: `refuse` stops the load, `warn` loads with a notice (see src/tiers/preflight.ts). */
export interface PreflightAnswer {
  verdict: 'ok' | 'warn' | 'refuse';
  message: string;
  suggestion: string | null;
}

/** Asked before every load; null means "no opinion" (e.g. the model is not in the manifest). */
/** `model`: the bundled model's manifest entry, undefined for a hub model (known by `modelId` alone). */
export type PreflightHook = (model: ManifestModel | undefined, modelId: string) => Promise<PreflightAnswer | null>;

export interface SessionOptions {
  preflight?: PreflightHook;
  /** The environment fingerprint stamped on each run (browser, adapter, tier, dtype). */
  environment?: () => RunEnvironment;
}

const HISTORY_LIMIT = 50;
const PREFERENCES_KEY = 'wirthforge.preferences';

interface Preferences {
  modelId: string;
  device: DevicePreference;
  maxNewTokens: number;
}

function readPreferences(): Preferences {
  const defaults: Preferences = { modelId: DEFAULT_MODEL_ID, device: 'auto', maxNewTokens: 64 };
  try {
    const stored = JSON.parse(localStorage.getItem(PREFERENCES_KEY) ?? '{}') as Partial<Preferences>;
    return {
      modelId: typeof stored.modelId === 'string' ? stored.modelId : defaults.modelId,
      device: stored.device === 'wasm' || stored.device === 'webgpu' ? stored.device : defaults.device,
      maxNewTokens: typeof stored.maxNewTokens === 'number' && stored.maxNewTokens > 0 ? stored.maxNewTokens : defaults.maxNewTokens,
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

  readonly modelId = signal(DEFAULT_MODEL_ID);
  readonly device = signal<DevicePreference>('auto');
  readonly maxNewTokens = signal(64);
  readonly prompt = signal('');
  readonly available = signal<ManifestModel[]>([]);
  readonly load = signal<LoadState>({ status: 'idle' });
  readonly output = signal('');
  readonly generating = signal(false);
  readonly lastRun = signal<RunRecord | null>(null);
  readonly history = signal<RunRecord[]>([]);
  readonly error = signal<string | null>(null);
  readonly notice = signal<string | null>(null);
  /** Loads and generations the engine failed, counted for the monitor's "repeated engine failures" alert. */
  readonly engineFailures = signal(0);

  /** Hub models stored on this device (they load offline). */
  readonly storedHub = storedHub;

  readonly models = computed(() => [
    ...modelChoices(CATALOG, new Set(this.available.value.map((m) => m.id)), this.storedHub.value),
    ...remoteStore.choices.value.map((c) => ({ id: c.id, availability: 'remote' as const, optionLabel: c.label, hint: c.hint })),
  ]);

  constructor(
    private readonly appVersion: string,
    private readonly options: SessionOptions = {},
  ) {
    const preferences = readPreferences();
    this.modelId.value = preferences.modelId;
    this.device.value = preferences.device;
    this.maxNewTokens.value = preferences.maxNewTokens;
  }

  async init(): Promise<void> {
    await Promise.all([this.readManifest(), this.refreshHistory(), refreshStoredHub(), this.baselines.refresh()]);
  }

  private async readManifest(): Promise<void> {
    try {
      const response = await fetch(new URL('models/manifest.json', new URL(import.meta.env.BASE_URL, location.origin)));
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.available.value = parseManifest(await response.json()).models;
    } catch (error) {
      this.error.value = `The list of bundled models could not be read (${error instanceof Error ? error.message : String(error)}).`;
    }
  }

  private async refreshHistory(): Promise<void> {
    try {
      this.history.value = await this.store.recent(HISTORY_LIMIT);
    } catch (error) {
      this.notice.value = `History is unavailable: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  savePreferences(): void {
    const preferences: Preferences = { modelId: this.modelId.value, device: this.device.value, maxNewTokens: this.maxNewTokens.value };
    try {
      localStorage.setItem(PREFERENCES_KEY, JSON.stringify(preferences));
    } catch {
      // Private mode or a full quota: preferences are a convenience, the session goes on without them.
    }
  }

  private isLoaded(): boolean {
    const state = this.load.value;
    return state.status === 'ready' && state.info.modelId === this.modelId.value && state.device === this.device.value;
  }

  async loadModel(): Promise<boolean> {
    const modelId = this.modelId.value;
    const device = this.device.value;
    this.error.value = null;
    if (!(await this.passesPreflight(modelId))) return false;
    this.load.value = { status: 'loading', modelId, progress: { phase: 'fetch', loadedBytes: 0, totalBytes: 0 } };
    try {
      let settled = false;
      const info = await this.engine.load(
        { modelId, device, ...remoteStore.loadOptionsFor(modelId) },
        (progress) => {
          // Progress and the answer travel apart: a late progress event must not turn 'ready' back into 'loading'.
          if (!settled) this.load.value = { status: 'loading', modelId, progress };
        },
        engineOf(modelId),
      );
      settled = true;
      // What the load stored (a hub model's files) is read back by the storage store's afterLoad.
      this.load.value = { status: 'ready', info, device };
      return true;
    } catch (error) {
      batch(() => {
        this.load.value = { status: 'failed', modelId };
        this.error.value = toEngineError(error).message;
        this.engineFailures.value++;
      });
      return false;
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

  async generate(): Promise<void> {
    if (this.generating.value) return;
    const prompt = this.prompt.value;
    if (!prompt.trim()) {
      this.error.value = 'Type a prompt first.';
      return;
    }
    this.generating.value = true;
    try {
      if (!this.isLoaded() && !(await this.loadModel())) return;
      const state = this.load.value;
      if (state.status !== 'ready') return;
      batch(() => {
        this.error.value = null;
        this.output.value = '';
      });
      const controller = new AbortController();
      this.abortController = controller;
      // Every frame of this run, however long it is (the loop's own summary keeps only its last 5 s).
      const frameRecorder = new FrameRecorder();
      frameRecorder.start(frameLoop, tokenFeed);
      const stream = { lane: 'session', label: state.info.modelId, streamId: `session-${Date.now()}` };
      let position = 0;
      tokenFeed.stream({ ...stream, kind: 'start', at: performance.now() });
      const generation = await this.engine.generate(
        { prompt, maxNewTokens: this.maxNewTokens.value },
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
      });
      const frames = summarizeFrames(recorded.frames, frameLoop.targetFps, recorded.longAnimationFrames);
      if (frames.frames > 0) record.frames = runFrames(frames);
      this.lastRun.value = record;
      void this.persist(record, runSamples(generation.result.tokenTimesMs, generation.arrivals.map((a) => a.arrivedAtMs)));
    } catch (error) {
      const failure = toEngineError(error);
      this.error.value = failure.message;
      // A busy engine or an over-long prompt is the request's fault, not the engine's.
      if (failure.code !== 'busy' && failure.code !== 'prompt-too-long') this.engineFailures.value++;
      if (this.load.value.status === 'ready' && isEngineLost(failure)) this.load.value = { status: 'idle' };
    } finally {
      this.abortController = null;
      this.generating.value = false;
    }
  }

  /** Runs after the stream has ended, so storage never holds up a token. */
  private async persist(record: RunRecord, samples: ReturnType<typeof runSamples>): Promise<void> {
    try {
      const saved = await this.store.add(record, samples);
      // Retention may have rolled the oldest over in the same write: the list shows what is stored.
      const kept = await this.store.recent(HISTORY_LIMIT).catch(() => [saved, ...this.history.value].slice(0, HISTORY_LIMIT));
      this.history.value = kept;
    } catch (error) {
      if (error instanceof StorageFullError) this.error.value = error.message;
      else this.notice.value = `This run could not be saved (${error instanceof Error ? error.message : String(error)}); earlier history is untouched.`;
    }
  }

  stop(): void {
    this.abortController?.abort();
  }

  async clearHistory(): Promise<void> {
    await this.store.clear();
    this.history.value = [];
  }
}
