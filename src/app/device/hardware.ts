/**
 * The page's hardware state: the report, the calibration, the tier decision (with the user's
 * override), the resolved profile and the memory budget, as signals, and the actions on them. The
 * policy is src/tiers' pure functions; this store only wires them to signals and to the browser.
 * Side effects go through `HardwareDeps`, so tests drive the store with fakes.
 */
import { batch, computed, effect, signal, type ReadonlySignal } from '@preact/signals';
import {
  classifyTier,
  detectHardware,
  getCalibration,
  memoryBudget,
  preflightModel,
  readTierOverride,
  resolveProfile,
  tierNotice,
  writeTierOverride,
  type Calibration,
  type CalibrationProgress,
  type GetCalibrationOptions,
  type HardwareReport,
  type PreflightResult,
  type Tier,
} from '../../tiers/index.ts';
import { chooseWasmThreads } from '../../workers/wasm-threads.ts';
import type { ManifestModel } from '../../models/manifest.ts';
import { findCatalogModel, isHubModel } from '../../models/catalog.ts';
import { hubPreflightSpec } from '../../scheduler/council-preflight.ts';
import { buildDeviceReport, type DeviceReport } from './device-report.ts';
import { modelShapeFromConfig, tokenizationFromTokenizerJson, type ModelShape, type Tokenization } from '../../models/model-spec.ts';


/** A transformers.js model's shape; GGUF builds carry theirs in the file instead. */
const CONFIG_FILE = 'config.json';
export interface HardwareDeps {
  detect(): Promise<HardwareReport>;
  calibrate(report: HardwareReport, options: GetCalibrationOptions): Promise<Calibration>;
  readOverride(): Tier | null;
  /** Returns whether the override was persisted. */
  writeOverride(tier: Tier | null): boolean;
  /** A file of a bundled model (config.json, tokenizer.json), parsed as JSON; rejects when it cannot be read. */
  fetchModelJson(modelId: string, file: string): Promise<unknown>;
}

export const browserHardwareDeps: HardwareDeps = {
  detect: () => detectHardware(),
  calibrate: (report, options) => getCalibration(report, options),
  readOverride: () => readTierOverride(),
  writeOverride: (tier) => writeTierOverride(tier),
  async fetchModelJson(modelId, file) {
    const base = new URL(import.meta.env.BASE_URL, location.origin);
    const response = await fetch(new URL(`models/${encodeURIComponent(modelId)}/${file}`, base));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  },
};

export type CalibrationState =
  | { status: 'idle' }
  | { status: 'running'; progress: CalibrationProgress | null }
  | { status: 'done' }
  | { status: 'failed'; message: string };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class HardwareStore {
  private readonly disposed = signal(false);
  readonly report = signal<HardwareReport | null>(null);
  readonly detectError = signal<string | null>(null);
  readonly calibration = signal<Calibration | null>(null);
  readonly calibrationState = signal<CalibrationState>({ status: 'idle' });
  readonly override = signal<Tier | null>(null);
  /** false when the override could not be stored (blocked storage) and lasts only this session. */
  readonly overridePersisted = signal(true);
  /** Model shapes by id; null when the model's config.json could not be read or understood. */
  readonly shapes = signal<ReadonlyMap<string, ModelShape | null>>(new Map());
  /** How each model's tokenizer cuts text, read on demand (tokenizer files run to megabytes); null: unknown. */
  readonly tokenizations = signal<ReadonlyMap<string, Tokenization | null>>(new Map());
  /** Contention α the council's scheduler measured (members generating together); null: the spec's assumption applies. */
  readonly measuredAlpha = signal<number | null>(null);

  readonly decision = computed(() => {
    const report = this.report.value;
    return report ? classifyTier(report, this.calibration.value ?? undefined, this.override.value) : null;
  });
  readonly profile = computed(() => {
    const report = this.report.value;
    const decision = this.decision.value;
    return report && decision ? resolveProfile(decision.tier, report) : null;
  });
  readonly budget = computed(() => {
    const report = this.report.value;
    const profile = this.profile.value;
    return report && profile ? memoryBudget(report, profile) : null;
  });
  readonly notice = computed(() => {
    const decision = this.decision.value;
    return decision ? tierNotice(decision) : null;
  });

  private detecting: Promise<HardwareReport | null> | null = null;
  private calibrating: Promise<void> | null = null;
  private readonly shapeRequests = new Map<string, Promise<ModelShape | null>>();
  private readonly tokenizationRequests = new Map<string, Promise<Tokenization | null>>();

  constructor(private readonly deps: HardwareDeps = browserHardwareDeps) {
    this.override.value = deps.readOverride();
  }

  /** Detects once; later calls share the first answer. Never rejects: a failure is shown, not thrown. */
  detect(): Promise<HardwareReport | null> {
    this.detecting ??= this.deps.detect().then(
      (report) => {
        this.report.value = report;
        return report;
      },
      (error: unknown) => {
        this.detectError.value = `Hardware detection failed: ${message(error)}`;
        return null;
      },
    );
    return this.detecting;
  }

  /** The cached calibration for this hardware, or a fresh one (`rerun`); one at a time. */
  calibrate(options: { rerun?: boolean } = {}): Promise<void> {
    this.calibrating ??= this.runCalibration(options.rerun === true).finally(() => {
      this.calibrating = null;
    });
    return this.calibrating;
  }

  private async runCalibration(rerun: boolean): Promise<void> {
    const report = await this.detect();
    if (!report) return;
    this.calibrationState.value = { status: 'running', progress: null };
    try {
      const calibration = await this.deps.calibrate(report, {
        rerun,
        onProgress: (progress) => {
          if (this.calibrationState.value.status === 'running') this.calibrationState.value = { status: 'running', progress };
        },
      });
      batch(() => {
        this.calibration.value = calibration;
        this.calibrationState.value = { status: 'done' };
      });
    } catch (error) {
      this.calibrationState.value = { status: 'failed', message: message(error) };
    }
  }

  /**
   * Calibration takes a few seconds of every core, so it waits until the page is idle and no model
   * is loading or generating; the card shows the detected facts meanwhile. A generation started
   * during calibration is not blocked (they run in different workers), only slowed for those seconds.
   */
  async calibrateWhenIdle(busy: ReadonlySignal<boolean>): Promise<void> {
    await pageIdle();
    await until(() => this.disposed.value || !busy.value);
    if (!this.disposed.peek()) await this.calibrate();
  }

  /** A calibration still waiting for an idle page never starts. */
  dispose(): void {
    this.disposed.value = true;
  }

  setOverride(tier: Tier | null): void {
    batch(() => {
      this.override.value = tier;
      this.overridePersisted.value = this.deps.writeOverride(tier);
    });
  }

  /** Reads the model's config.json once per model. */
  shapeOf(model: Pick<ManifestModel, 'id' | 'parameters' | 'files'>): Promise<ModelShape | null> {
    // A GGUF build carries its shape inside the file and has no config.json: asking for one only
    // earns a 404 online and a failed fetch offline.
    const file = model.files.some((f) => f.path === CONFIG_FILE) ? CONFIG_FILE : null;
    return this.readOnce(this.shapeRequests, this.shapes, model.id, file, (json) => modelShapeFromConfig(model, json));
  }

  /** Reads the model's tokenizer.json once per model, when a prompt first gets long enough to need it. */
  tokenizationOf(modelId: string): Promise<Tokenization | null> {
    return this.readOnce(this.tokenizationRequests, this.tokenizations, modelId, 'tokenizer.json', tokenizationFromTokenizerJson);
  }

  private readOnce<T>(
    requests: Map<string, Promise<T | null>>,
    target: { value: ReadonlyMap<string, T | null> },
    modelId: string,
    /** null: the model has no such file, so there is nothing to read. */
    file: string | null,
    parse: (json: unknown) => T | null,
  ): Promise<T | null> {
    let request = requests.get(modelId);
    if (!request) {
      request = (file === null ? Promise.resolve(null) : this.deps.fetchModelJson(modelId, file).then(parse, () => null))
        .then((value) => {
          const next = new Map(target.value);
          next.set(modelId, value);
          target.value = next;
          return value;
        });
      requests.set(modelId, request);
    }
    return request;
  }

  loadShapes(models: readonly ManifestModel[]): Promise<void> {
    return Promise.all(models.map((m) => this.shapeOf(m))).then(() => undefined);
  }

  /** The WASM thread count the engine will use for a model of this size (the engine's own policy). */
  wasmThreadsFor(parameters: number): number | null {
    const report = this.report.value;
    if (!report) return null;
    return chooseWasmThreads({ crossOriginIsolated: report.crossOriginIsolated, hardwareConcurrency: report.hardwareConcurrency ?? 1, parameters });
  }

  /** Pre-flight of one model against the budget in effect now; reads signals, so it is reactive. */
  checkModel(model: Pick<ManifestModel, 'id'>): PreflightResult | null {
    const shape = this.shapes.value.get(model.id);
    const budget = this.budget.value;
    return shape && budget ? preflightModel(shape.spec, budget) : null;
  }

  /**
   * The Session's pre-flight hook. null (load without a check) when the model is not in the manifest
   * or its config cannot be read: the engine then reports the missing model or file itself.
   */
  async preflight(model: ManifestModel | undefined, modelId: string): Promise<PreflightResult | null> {
    if (!model) return this.preflightHub(modelId);
    const [report, shape] = await Promise.all([this.detect(), this.shapeOf(model)]);
    const budget = this.budget.value;
    if (!report || !shape || !budget) return null;
    return preflightModel(shape.spec, budget);
  }

  /** A hub model before its download: counted as the council pre-flight counts it, so both refuse alike. */
  private async preflightHub(modelId: string): Promise<PreflightResult | null> {
    const model = findCatalogModel(modelId);
    if (!model || !isHubModel(model)) return null;
    const report = await this.detect();
    const budget = this.budget.value;
    if (!report || !budget) return null;
    return preflightModel(hubPreflightSpec(model), budget);
  }

  exportReport(appVersion: string, models: readonly ManifestModel[], selected: ManifestModel | undefined, now = new Date()): DeviceReport | null {
    const hardware = this.report.value;
    const decision = this.decision.value;
    const profile = this.profile.value;
    const budget = this.budget.value;
    if (!hardware || !decision || !profile || !budget) return null;
    const threads = selected ? this.wasmThreadsFor(selected.parameters) : null;
    return buildDeviceReport({
      appVersion,
      now,
      hardware,
      calibration: this.calibration.value,
      decision,
      profile,
      budget,
      wasmThreads: selected && threads !== null ? { modelId: selected.id, parameters: selected.parameters, threads } : null,
      models: models.map((m) => ({ id: m.id, preflight: this.checkModel(m) })),
    });
  }
}

/** After the page has painted and gone idle (or 2 s at most); a plain timeout where idle callbacks are missing. */
function pageIdle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 2000 });
    else setTimeout(resolve, 0);
  });
}

/** Resolves once `condition` (which reads signals) holds. */
export function until(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    let dispose: (() => void) | undefined;
    dispose = effect(() => {
      if (done || !condition()) return;
      done = true;
      resolve();
      dispose?.();
    });
    if (done) dispose();
  });
}
