/**
 * Auto by measurement: of a model's builds (its transformers.js ONNX build and the GGUF builds run by
 * wllama), the one whose stored runs on this device decoded fastest, with the sentence that says why.
 * A guess from the engines' reputations would be wrong here as often as right (llama.cpp's quantized
 * kernels beat ORT's on some CPUs and lose on others), so nothing is picked until the runs show it.
 * Once Auto has picked, the pick holds until another build measures clearly faster (`switchMargin`):
 * two builds within the machine's noise would otherwise swap back and forth as runs accumulate, and
 * each swap costs a model load. Pure: the page hands in the family, the runs, this device and the
 * build Auto ran last, and shows what comes back.
 */
import type { BundledModel, CatalogModel } from './catalog.ts';
import { isComparableRun, type ComparableRun } from './comparable-runs.ts';

/** One build of a model family; `dtype` as the build is named (fp32, q8_0). */
export interface FamilyBuild {
  id: string;
  engine: string;
  dtype: string;
}

/** A model and its builds, the default first. */
export interface BuildFamily {
  baseId: string;
  builds: FamilyBuild[];
}

/** One stored run, as the choice reads it: the facts comparable-runs.ts matches on, and whether Auto chose it. */
export interface MeasuredRun extends ComparableRun {
  choice?: 'auto';
}

export interface ChoiceContext {
  /** Only runs on this device compare: a WebGPU run says nothing about WASM. */
  device: 'wasm' | 'webgpu';
  /** This machine's; runs recorded on other hardware are left out. */
  hardwareId: string | null;
  /** The build Auto runs now (`lastAutoPick`): kept unless another measures faster by the rule's margin. */
  current?: string | null;
}

export interface ChoiceRule {
  /** A build counts as measured with at least this many runs… */
  minRuns: number;
  /** …and a pick needs at least this many measured builds. */
  minBuilds: number;
  /** The newest runs per build that the median takes. */
  kept: number;
  /** Another build replaces the current pick only when its median is at least (1 + this) times the pick's. */
  switchMargin: number;
}

/**
 * A 15 % margin: on a loaded 2-vCPU CI machine one more stored run turned wf-tiny's pick round to a
 * build shown as "1.1×" faster (medians of 2 and 3 runs; shown to one decimal, so under 1.15×), which
 * is noise of that size; a build really faster on a machine is so by far more (1.7× on this one,
 * docs/engines.md).
 */
export const CHOICE_RULE: ChoiceRule = { minRuns: 2, minBuilds: 2, kept: 10, switchMargin: 0.15 };

export interface BuildMeasure {
  build: FamilyBuild;
  runs: number;
  /** NaN with no runs. */
  medianTps: number;
}

export interface BuildChoice {
  /** The build Auto runs: the fastest measured, else the family's default. */
  pick: FamilyBuild;
  measured: boolean;
  sentence: string;
  /** Every build's runs and median, in the family's order. */
  measures: BuildMeasure[];
}

const ENGINE_WORDS: Record<string, string> = { transformers: 'transformers.js', wllama: 'wllama', 'web-llm': 'web-llm' };
const DEVICE_WORDS: Record<ChoiceContext['device'], string> = { wasm: 'WASM', webgpu: 'WebGPU' };

export function buildName(build: FamilyBuild): string {
  return `${ENGINE_WORDS[build.engine] ?? build.engine} ${build.dtype}`;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Whether a run measured this build here, by decode rate. An ONNX build's record names its precision;
 * a GGUF build's precision is in its id, and its record's dtype is the page's default, so it is not compared.
 */
function ranBuild(run: MeasuredRun, build: FamilyBuild, context: ChoiceContext): boolean {
  const target = { modelId: build.id, device: context.device, dtype: build.dtype, hardwareId: context.hardwareId };
  return isComparableRun(run, target, { matchDtype: build.engine === 'transformers', decodeRateOnly: true });
}

/** `runs` newest first. */
export function measureBuilds(family: BuildFamily, runs: readonly MeasuredRun[], context: ChoiceContext, rule: ChoiceRule = CHOICE_RULE): BuildMeasure[] {
  return family.builds.map((build) => {
    const rates = runs.filter((r) => ranBuild(r, build, context)).slice(0, rule.kept).map((r) => r.decodeTps);
    return { build, runs: rates.length, medianTps: median(rates) };
  });
}

/**
 * The build Auto runs now: the one of its newest run here stored with `choice: 'auto'` (null when Auto
 * has run none of the family's builds here). The run store keeps it, so it holds across a reload.
 * `runs` newest first.
 */
export function lastAutoPick(family: BuildFamily, runs: readonly MeasuredRun[], context: ChoiceContext): string | null {
  return runs.find((r) => r.choice === 'auto' && family.builds.some((b) => ranBuild(r, b, context)))?.modelId ?? null;
}

function times(count: number): string {
  return count === 1 ? 'once' : count === 2 ? 'twice' : `${count} times`;
}

/** The build Auto runs for this family on this device, and why. `runs` newest first. */
export function chooseBuild(family: BuildFamily, runs: readonly MeasuredRun[], context: ChoiceContext, rule: ChoiceRule = CHOICE_RULE): BuildChoice {
  const measures = measureBuilds(family, runs, context, rule);
  const fallback = family.builds[0]!;
  // Fastest first; on a tie the family's order stands, so the default keeps its place.
  const ranked = measures.filter((m) => m.runs >= rule.minRuns).sort((a, b) => b.medianTps - a.medianTps);
  const device = DEVICE_WORDS[context.device];
  if (ranked.length < rule.minBuilds) {
    const measuredNote = ranked.length === 0 ? 'none measured yet' : `measured so far: ${ranked.map((m) => m.build.id).join(', ')}`;
    return {
      pick: fallback,
      measured: false,
      sentence: `Not measured here yet on ${device}: run at least ${rule.minBuilds} of ${family.baseId}'s builds ${times(rule.minRuns)} each (${measuredNote}). Until then Auto runs ${fallback.id}.`,
      measures,
    };
  }
  const [best, next] = [ranked[0]!, ranked[1]!];
  const held = ranked.find((m) => m.build.id === context.current);
  if (held && held !== best) {
    const ratio = best.medianTps / held.medianTps;
    const margin = (1 + rule.switchMargin).toFixed(2);
    const runsNote = `median of ${best.runs} and ${held.runs} runs`;
    if (ratio < 1 + rule.switchMargin) {
      return {
        pick: held.build,
        measured: true,
        sentence: `Kept: ${buildName(held.build)}, Auto's pick so far. ${buildName(best.build)} measured ${ratio.toFixed(2)}× its rate on this device on ${device} (${runsNote}), under the ${margin}× a switch takes. Auto runs ${held.build.id}.`,
        measures,
      };
    }
    return {
      pick: best.build,
      measured: true,
      sentence: `${buildName(best.build)}: ${ratio.toFixed(2)}× ${buildName(held.build)}, Auto's pick so far (a switch takes ${margin}×), measured on this device on ${device} (${runsNote}). Auto runs ${best.build.id}.`,
      measures,
    };
  }
  const ratio = best.medianTps / next.medianTps;
  return {
    pick: best.build,
    measured: true,
    sentence: `${buildName(best.build)}: ${ratio.toFixed(1)}× ${buildName(next.build)}, measured on this device on ${device} (median of ${best.runs} and ${next.runs} runs). Auto runs ${best.build.id}.`,
    measures,
  };
}

/**
 * The families the model select offers Auto for: a bundled ONNX model with at least one GGUF build,
 * counting only what this build of the app carries (`present`). The ONNX build comes first (the
 * default) at `onnxDtype(id)`, the precision its loads take now.
 */
export function buildFamilies(catalog: readonly CatalogModel[], present: ReadonlySet<string>, onnxDtype: (baseId: string) => string): BuildFamily[] {
  const families: BuildFamily[] = [];
  for (const base of catalog) {
    if (base.source !== 'bundled' || base.engine !== 'transformers' || !present.has(base.id)) continue;
    const derived = catalog.filter((m): m is BundledModel => m.source === 'bundled' && m.builtFrom === base.id && present.has(m.id));
    if (derived.length === 0) continue;
    families.push({
      baseId: base.id,
      builds: [
        { id: base.id, engine: base.engine, dtype: onnxDtype(base.id) },
        ...derived.map((m) => ({ id: m.id, engine: m.engine, dtype: m.buildDtype ?? m.id })),
      ],
    });
  }
  return families;
}

/** The model select's value for a family's Auto option. */
export const AUTO_BUILD_PREFIX = 'auto-build:';

export function autoBuildValue(baseId: string): string {
  return `${AUTO_BUILD_PREFIX}${baseId}`;
}

/** The family an option value asks Auto for; null for a plain model id. */
export function autoBuildFamily(value: string): string | null {
  return value.startsWith(AUTO_BUILD_PREFIX) ? value.slice(AUTO_BUILD_PREFIX.length) : null;
}
