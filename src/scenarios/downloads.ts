/**
 * Which model files a run of scenarios would fetch that this device does not hold yet, so the Bench
 * view asks before it starts a download (wf-stories15m is 62 MB). Pure: the page says how many bytes
 * of each model are missing.
 */
import { formatBytes } from '../lib/format.ts';
import { CATALOG } from '../models/catalog.ts';
import type { ScenarioPlans } from './plans.ts';
import type { ScenarioId } from './types.ts';

/** Below this a fetch is not worth a question (wf-tiny is about 0.15 MB). */
export const ASK_ABOVE_BYTES = 5e6;

/** The bundled models a scenario loads; the simulated members load none. */
export function modelsUsedBy(id: ScenarioId, plans: ScenarioPlans): string[] {
  switch (id) {
    case 'sustained':
      return [plans.sustained.model, ...plans.sustained.agreementModels.map((a) => a.model)];
    case 'burst':
      return [plans.burst.model];
    case 'plugin-heavy':
      return ['wf-tiny'];
    case 'context-sweep':
      return [plans.context.model];
    case 'engine-grid':
      return [plans.grid.model, ...CATALOG.filter((m) => m.source === 'bundled' && m.builtFrom === plans.grid.model).map((m) => m.id)];
    case 'council-marathon':
    case 'overload':
    case 'overhead-sweep':
    case 'concurrency-sweep':
      return [];
  }
}

export interface DownloadAsk {
  models: Array<{ modelId: string; bytes: number }>;
  totalBytes: number;
  /** The question, in a sentence. */
  text: string;
}

/**
 * The downloads to ask about before running `ids`, or null when there is nothing big to fetch.
 * `missingBytes`: bytes of the model not stored on this device (all of them where the page cannot
 * tell); null for a model this build does not have (the scenario reports that itself).
 */
export function downloadAsk(ids: readonly ScenarioId[], plans: ScenarioPlans, missingBytes: (modelId: string) => number | null, askAbove = ASK_ABOVE_BYTES): DownloadAsk | null {
  const modelIds = [...new Set(ids.flatMap((id) => modelsUsedBy(id, plans)))];
  const models = modelIds.flatMap((modelId) => {
    const bytes = missingBytes(modelId);
    return bytes !== null && bytes > 0 ? [{ modelId, bytes }] : [];
  });
  const totalBytes = models.reduce((sum, m) => sum + m.bytes, 0);
  if (totalBytes <= askAbove) return null;
  const list = models.map((m) => `${m.modelId} (${formatBytes(m.bytes)})`).join(', ');
  return { models, totalBytes, text: `This run fetches ${formatBytes(totalBytes)} of model files that are not stored on this device yet: ${list}. They come from this app's server and are kept for offline use.` };
}
