/**
 * What the model select shows for each catalog entry: whether a bundled model was generated for
 * this build, whether a hub model is already stored on this device or needs a download (and about
 * how much). Pure: the page supplies what it found in the manifest and in the hub caches.
 */
import { formatBytes } from '../lib/format.ts';
import { HUB_LIBRARY_HOST, HUB_WEIGHTS_HOST, type CatalogModel, type GgufHubModel, type HubModel, type OnnxHubModel } from './catalog.ts';
import { downloadRangeOf } from './hub-figures.ts';

/** `remote`: runs on an inference server the user added (src/app/remote). `file`: a model file the user opened from disk this session. */
export type ModelAvailability = 'bundled' | 'not-generated' | 'hub-stored' | 'hub-download' | 'remote' | 'file';

export interface ModelChoice {
  id: string;
  availability: ModelAvailability;
  /** The option's text in the select. */
  optionLabel: string;
  /** The sentence under the select. */
  hint: string;
  /** Runs only on WebGPU (web-llm's builds): not offered where the browser has no WebGPU adapter. */
  needsWebGpu?: boolean;
}

function sizeRange(min: number, max: number): string {
  return min === max ? formatBytes(min) : `${formatBytes(min)}–${formatBytes(max)}`;
}

/** `generated`: the manifest's models; null while it is being read, when every bundled model is taken as present (the page must not first say "not generated" and then change its mind, moving the layout). */
export function modelChoices(catalog: readonly CatalogModel[], generated: ReadonlySet<string> | null, storedHub: ReadonlySet<string>): ModelChoice[] {
  return catalog.map((model): ModelChoice => {
    if (model.source === 'bundled') {
      const present = generated === null || generated.has(model.id);
      return {
        id: model.id,
        availability: present ? 'bundled' : 'not-generated',
        optionLabel: present ? model.label : `${model.label} — not generated`,
        hint: model.description,
      };
    }
    return hubChoice(model, storedHub.has(model.id));
  });
}

/** What a hub model needs and where it downloads from, per engine. */
function hubTerms(model: HubModel | OnnxHubModel | GgufHubModel): { range: { min: number; max: number }; hosts: string; needs: string } {
  const range = downloadRangeOf(model);
  if (model.source === 'hub-gguf') return { range, hosts: HUB_WEIGHTS_HOST, needs: 'Runs on WASM through llama.cpp (wllama).' };
  return model.source === 'hub'
    ? { range, hosts: `${HUB_WEIGHTS_HOST} and ${HUB_LIBRARY_HOST}`, needs: 'Needs WebGPU.' }
    : { range, hosts: HUB_WEIGHTS_HOST, needs: 'Runs on WASM or WebGPU (its f16 build needs shader-f16).' };
}

/** A hub model's choice, web-llm's or transformers.js's: stored, or a download of about this much. */
export function hubChoice(model: HubModel | OnnxHubModel | GgufHubModel, stored: boolean): ModelChoice {
  const { range, hosts, needs } = hubTerms(model);
  const needsWebGpu = model.source === 'hub';
  if (stored) {
    return {
      id: model.id,
      needsWebGpu,
      availability: 'hub-stored',
      optionLabel: `${model.label} — stored on this device`,
      hint: `${model.description} Stored on this device: it loads offline. ${needs}`,
    };
  }
  const size = sizeRange(range.min, range.max);
  return {
    id: model.id,
    needsWebGpu,
    availability: 'hub-download',
    optionLabel: `${model.label} — download ≈ ${size}, needs a connection`,
    hint: `${model.description} The first load downloads about ${size}${range.min === range.max ? '' : ' (the build depends on the device)'} from ${hosts}, then it is stored on this device. ${needs}`,
  };
}

/** The model select's groups, in this order; a group with no choice is left out. */
const GROUPS: ReadonlyArray<{ label: string; holds: ReadonlyArray<ModelAvailability> }> = [
  { label: 'Your files', holds: ['file'] },
  { label: 'Test models in this build (no download)', holds: ['bundled'] },
  { label: 'Stored on this device', holds: ['hub-stored'] },
  { label: 'Need a download', holds: ['hub-download'] },
  { label: 'On your inference servers', holds: ['remote'] },
  { label: 'Not in this build (npm run models)', holds: ['not-generated'] },
];

export interface ChoiceGroups {
  groups: Array<{ label: string; choices: ModelChoice[] }>;
  /** Left out because they cannot run here, in a sentence; null when none were. */
  hiddenNote: string | null;
}

/**
 * The select's groups: what runs with no download first, then what is stored, then downloads and
 * servers. Models that cannot run in this browser (web-llm's, without a WebGPU adapter) are left out
 * and counted, except the one selected, which is always offered so the select never lies about it.
 */
export function groupChoices(choices: readonly ModelChoice[], context: { webGpu: boolean; selectedId: string }): ChoiceGroups {
  const runnable = choices.filter((c) => context.webGpu || !c.needsWebGpu || c.id === context.selectedId);
  const hidden = choices.length - runnable.length;
  const groups = GROUPS.map((g) => ({ label: g.label, choices: runnable.filter((c) => g.holds.includes(c.availability)) })).filter((g) => g.choices.length > 0);
  const hiddenNote = hidden === 0 ? null : `${hidden} web-llm model${hidden === 1 ? ' is not offered: it needs' : 's are not offered: they need'} WebGPU, which this browser does not provide.`;
  return { groups, hiddenNote };
}
