import { computed, effect, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import { CATALOG, engineOf, findCatalogModel, type DtypePreference } from '../../models/catalog.ts';
import { DEFAULT_BUNDLED_DTYPE, dtypeOptions } from '../../models/bundled-builds.ts';
import { buildFamilies, chooseBuild, lastAutoPick, measureBuilds, type BuildChoice, type BuildFamily, type BuildMeasure, type MeasuredRun } from '../../models/build-choice.ts';
import type { ManifestModel } from '../../models/manifest.ts';
import type { RunRecord } from '../../metrics/run-record.ts';
import type { DevicePreference } from '../../workers/engine.ts';

/** The session's signals Auto reads and the one it writes (the model that loads). */
export interface AutoBuildSignals {
  modelId: Signal<string>;
  device: ReadonlySignal<DevicePreference>;
  dtype: ReadonlySignal<DtypePreference>;
  available: ReadonlySignal<ManifestModel[]>;
  history: ReadonlySignal<RunRecord[]>;
  /** This machine's hardware id (the run records' environment), null while unknown. */
  hardwareId: () => string | null;
}

/**
 * The stored runs the choice compares, as it reads them. A council member's run is left out: it shared
 * the machine with the other members, so its rate says how the council went, not how fast the build is.
 */
export function measuredRuns(history: readonly RunRecord[]): MeasuredRun[] {
  return history.filter((r) => r.council === undefined).map(measuredRun);
}

function measuredRun(record: RunRecord): MeasuredRun {
  return {
    modelId: record.modelId,
    device: record.device,
    dtype: record.environment?.dtype ?? null,
    hardwareId: record.environment?.hardwareId ?? null,
    decodeTps: record.decodeTps,
    outputTokens: record.outputTokens,
    ...(record.choice ? { choice: record.choice } : {}),
  };
}

/**
 * The device whose runs Auto compares: the one the Device select forces, else WASM, where every
 * build runs (wllama has no WebGPU path here, so a WebGPU comparison could only ever hold the ONNX build).
 */
export function comparisonDevice(preference: DevicePreference): 'wasm' | 'webgpu' {
  return preference === 'webgpu' ? 'webgpu' : 'wasm';
}

/**
 * "Auto (fastest build measured here)" in the model select: while a family is chosen, the session's
 * model is that family's fastest build measured on this device, and follows the runs as they are stored
 * (holding the build Auto ran last until another is clearly faster: `chooseBuild`).
 * Choosing any model by hand (the select, a dropped file, a "Why?" fix) ends it.
 */
export class AutoBuild {
  /** The family Auto runs for; null when the user chose a build directly. */
  readonly family = signal<string | null>(null);
  readonly families: ReadonlySignal<BuildFamily[]>;
  readonly choice: ReadonlySignal<BuildChoice | null>;
  private readonly stop: Array<() => void>;

  constructor(private readonly session: AutoBuildSignals) {
    this.families = computed(() => buildFamilies(CATALOG, new Set(session.available.value.map((m) => m.id)), (id) => this.onnxDtype(id)));
    this.choice = computed(() => {
      const family = this.families.value.find((f) => f.baseId === this.family.value);
      if (!family) return null;
      const runs = measuredRuns(session.history.value);
      const here = { device: comparisonDevice(session.device.value), hardwareId: session.hardwareId() };
      // The build Auto ran last is read from the stored runs, so the pick it holds survives a reload.
      return chooseBuild(family, runs, { ...here, current: lastAutoPick(family, runs, here) });
    });
    this.stop = [
      effect(() => {
        const pick = this.choice.value?.pick.id;
        if (pick !== undefined) session.modelId.value = pick;
      }),
      effect(() => {
        const id = session.modelId.value;
        const family = this.families.peek().find((f) => f.baseId === this.family.peek());
        if (family && !family.builds.some((b) => b.id === id)) this.family.value = null;
      }),
    ];
  }

  /** The precision an ONNX model's load takes now: the Precision select's, where the model has that build. */
  private onnxDtype(modelId: string): string {
    const preference = this.session.dtype.value;
    const offered = dtypeOptions(this.session.available.value.find((m) => m.id === modelId)).some((o) => o.value === preference);
    return preference !== 'auto' && offered ? preference : DEFAULT_BUNDLED_DTYPE;
  }

  /** A model's runs here as Auto compares them, and on which device (for the device card's share of the ceiling). */
  measure(modelId: string): BuildMeasure & { device: 'wasm' | 'webgpu' } {
    const engine = engineOf(modelId);
    const model = findCatalogModel(modelId);
    const dtype = model?.source === 'bundled' && model.buildDtype ? model.buildDtype : this.onnxDtype(modelId);
    // llama.cpp runs on the CPU here whatever the Device select says.
    const device = engine === 'wllama' ? 'wasm' : comparisonDevice(this.session.device.value);
    const build = { id: modelId, engine, dtype };
    const [measure] = measureBuilds({ baseId: modelId, builds: [build] }, measuredRuns(this.session.history.value), { device, hardwareId: this.session.hardwareId() });
    return { ...measure!, device };
  }

  /** Whether Auto chose the build `modelId` (a run of it is stored with `choice: 'auto'`). */
  chose(modelId: string): boolean {
    return this.choice.peek()?.pick.id === modelId;
  }

  dispose(): void {
    for (const stop of this.stop) stop();
  }
}
