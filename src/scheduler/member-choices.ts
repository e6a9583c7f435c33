/**
 * What can sit in a council slot: a bundled model, a hub model (web-llm or transformers.js) or a
 * simulated one, each with the footprint the scheduler's ledger counts and the shape the pre-flight
 * counts. Pure data built from the catalog, shared by the Council panel and the load scenarios.
 */
import { modelFootprint, runtimeOverheadBytes, type ModelSpec } from '../tiers/index.ts';
import type { SyntheticEngineConfig } from '../workers/synthetic-engine.ts';
import type { EngineKind } from '../workers/engine.ts';
import type { ManifestModel } from '../models/manifest.ts';
import type { MemberConfig } from './protocol.ts';
import { CATALOG, engineOf, isHubModel } from '../models/catalog.ts';
import { footprintUpperBytesOf } from '../models/hub-figures.ts';
import { hubChoice } from '../models/model-choices.ts';
import { ENGINE_DTYPE, type ModelShape } from '../models/model-spec.ts';
import { footprintOnlySpec, hubPreflightSpec } from './council-preflight.ts';

export interface MemberChoice {
  key: string;
  label: string;
  /** bundled: served by the app; hub: downloaded the first time (web-llm or transformers.js); simulated: the synthetic engine. */
  kind: 'bundled' | 'hub' | 'simulated' | 'remote';
  /** Which engine runs it when not the default for its kind (web-llm for hub models). */
  engine?: EngineKind;
  /** The model id the engine loads (a manifest id, or a name for a simulated one). */
  modelId: string;
  footprintBytes: number;
  /** The shape the pre-flight counts: a bundled model's config.json, or the shape a simulated one stands in for. */
  spec: ModelSpec;
  synthetic?: Partial<Omit<SyntheticEngineConfig, 'clock' | 'sharedLoad' | 'seed'>>;
  /** For a model on an inference server: the endpoint and its slots. */
  remote?: MemberConfig['remote'];
}

/**
 * A simulated member stands in for a model of a given shape: its footprint is that shape's (so the
 * pre-flight and the scheduler's ledger count the same bytes), its timetable is made up.
 */
function simulatedChoice(key: string, label: string, spec: ModelSpec, timetable: NonNullable<MemberChoice['synthetic']>): MemberChoice {
  const footprintBytes = Math.round(modelFootprint(spec).totalBytes);
  return { key, label, kind: 'simulated', modelId: spec.name, footprintBytes, spec, synthetic: { ...timetable, footprintBytes } };
}

const SMALL_SHAPE = { layers: 6, kvHeads: 4, headDim: 64, contextTokens: 2048 } as const;

/** Simulated members: clearly labelled, no download, computed nothing. */
export const SIMULATED_CHOICES: readonly MemberChoice[] = [
  simulatedChoice('sim-fast', 'Simulated model (fast)', { name: 'simulated-fast', params: 30e6, dtype: 'q8', ...SMALL_SHAPE }, { ttftMs: 150, msPerToken: 30, jitter: 0.2, loadMs: 300 }),
  // SmolLM2-135M's shape at fp16.
  simulatedChoice(
    'sim-slow',
    'Simulated model (slow)',
    { name: 'simulated-slow', params: 135e6, dtype: 'fp16', layers: 30, kvHeads: 3, headDim: 64, contextTokens: 2048 },
    { ttftMs: 500, msPerToken: 120, jitter: 0.3, loadMs: 800 },
  ),
  simulatedChoice('sim-crashy', 'Simulated model (crashes at token 8)', { name: 'simulated-crashy', params: 30e6, dtype: 'q8', ...SMALL_SHAPE }, {
    ttftMs: 150,
    msPerToken: 40,
    jitter: 0.1,
    loadMs: 300,
    faults: [{ kind: 'crash', atToken: 8 }],
  }),
  // A Mistral-7B-shaped model at q4 (4.2 GB with its KV cache, just under one WASM engine's 4 GiB): a
  // council of a few meets the memory budget.
  simulatedChoice(
    'sim-large',
    'Simulated model (large: 7B at q4)',
    { name: 'simulated-large', params: 7e9, dtype: 'q4', layers: 32, kvHeads: 8, headDim: 128, contextTokens: 2048 },
    { ttftMs: 600, msPerToken: 150, jitter: 0.2, loadMs: 1500 },
  ),
];

/** A member's id: its slot (from 1) and its choice, so keeping a slot's model keeps it loaded between turns. */
export function memberIdFor(slotIndex: number, choiceKey: string): string {
  return `${slotIndex + 1}-${choiceKey}`;
}

/**
 * The hub models, web-llm's (WebGPU) and transformers.js's, labelled like the model select: stored on
 * this device, or a download of about this much that needs a connection.
 */
export function hubChoices(stored: ReadonlySet<string>): MemberChoice[] {
  return CATALOG.filter(isHubModel).map((m): MemberChoice => {
    const label = hubChoice(m, stored.has(m.id)).optionLabel;
    return { key: m.id, label, kind: 'hub', engine: m.engine, modelId: m.id, footprintBytes: footprintUpperBytesOf(m), spec: hubPreflightSpec(m) };
  });
}

/** `shape`: from the model's config.json; without it the pre-flight counts the weights and overhead only. */
export function modelChoice(model: ManifestModel, shape: ModelShape | null = null): MemberChoice {
  const weights = model.files.reduce((sum, f) => sum + f.bytes, 0);
  return {
    key: model.id,
    label: model.id,
    kind: 'bundled',
    engine: engineOf(model.id),
    modelId: model.id,
    footprintBytes: Math.round(weights + runtimeOverheadBytes(weights)),
    spec: shape?.spec ?? footprintOnlySpec(model.id, model.parameters, ENGINE_DTYPE),
  };
}

