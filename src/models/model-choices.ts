/**
 * What the model select shows for each catalog entry: whether a bundled model was generated for
 * this build, whether a hub model is already stored on this device or needs a download (and about
 * how much). Pure: the page supplies what it found in the manifest and in web-llm's cache.
 */
import { formatBytes } from '../app/format.ts';
import { HUB_LIBRARY_HOST, HUB_WEIGHTS_HOST, hubDownloadRange, type CatalogModel } from './catalog.ts';

export type ModelAvailability = 'bundled' | 'not-generated' | 'hub-stored' | 'hub-download';

export interface ModelChoice {
  id: string;
  availability: ModelAvailability;
  /** The option's text in the select. */
  optionLabel: string;
  /** The sentence under the select. */
  hint: string;
}

function sizeRange(min: number, max: number): string {
  return min === max ? formatBytes(min) : `${formatBytes(min)}–${formatBytes(max)}`;
}

export function modelChoices(catalog: readonly CatalogModel[], generated: ReadonlySet<string>, storedHub: ReadonlySet<string>): ModelChoice[] {
  return catalog.map((model): ModelChoice => {
    if (model.source === 'bundled') {
      const present = generated.has(model.id);
      return {
        id: model.id,
        availability: present ? 'bundled' : 'not-generated',
        optionLabel: present ? model.label : `${model.label} — not generated`,
        hint: model.description,
      };
    }
    const { min, max } = hubDownloadRange(model);
    if (storedHub.has(model.id)) {
      return {
        id: model.id,
        availability: 'hub-stored',
        optionLabel: `${model.label} — stored on this device`,
        hint: `${model.description} Stored on this device: it loads offline. Needs WebGPU.`,
      };
    }
    return {
      id: model.id,
      availability: 'hub-download',
      optionLabel: `${model.label} — download ≈ ${sizeRange(min, max)}, needs a connection`,
      hint: `${model.description} The first load downloads about ${sizeRange(min, max)} (the build depends on the GPU) from ${HUB_WEIGHTS_HOST} and ${HUB_LIBRARY_HOST}, then it is stored on this device. Needs WebGPU.`,
    };
  });
}
