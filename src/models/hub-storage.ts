/**
 * Which cached responses belong to which hub model, and what the storage panel says about them.
 * web-llm keeps a build's weights, tokenizer and tensor manifest in `webllm/model` and its chat config
 * in `webllm/config`, all under the build's `…/resolve/main/` URL, and its compiled library in
 * `webllm/wasm` under the library's URL (its `deleteModelAllInfoInCache` deletes those same keys).
 * transformers.js keeps every file of a hub repository in `transformers-cache` under the repository's
 * `…/resolve/main/` URL; a hub GGUF file is one entry of `wirthforge-gguf-hub` under its own
 * `…/resolve/main/{file}` URL (other files of the same repository are other models). Pure: the storage store reads the caches and deletes what `belongsTo` names.
 */
import { hubWeightsBase, isHubModel, type CatalogModel, type GgufHubModel, type HubModel, type OnnxHubModel } from './catalog.ts';
import { ONNX_HUB_CACHE, onnxRepoBase } from './onnx-hub.ts';
import { GGUF_HUB_CACHE, ggufHubUrl } from './gguf-hub.ts';

export const WEBLLM_CACHES = { model: 'webllm/model', config: 'webllm/config', wasm: 'webllm/wasm' } as const;

/** Every cache a hub model's files can be in. */
export const HUB_CACHES: readonly string[] = [WEBLLM_CACHES.model, WEBLLM_CACHES.config, WEBLLM_CACHES.wasm, ONNX_HUB_CACHE, GGUF_HUB_CACHE];

export interface CachedEntry {
  cache: string;
  url: string;
  bytes: number;
}

export function belongsTo(model: HubModel | OnnxHubModel | GgufHubModel, cache: string, url: string): boolean {
  if (model.source === 'hub-gguf') return cache === GGUF_HUB_CACHE && url === ggufHubUrl(model);
  if (model.source === 'hub-onnx') return cache === ONNX_HUB_CACHE && url.startsWith(onnxRepoBase(model));
  return Object.values(model.builds).some((build) =>
    cache === WEBLLM_CACHES.wasm ? url === build.modelLib : (cache === WEBLLM_CACHES.model || cache === WEBLLM_CACHES.config) && url.startsWith(hubWeightsBase(build)),
  );
}

/** The catalog's hub model a cached response belongs to; null for anything else in those caches. */
export function ownerOf(catalog: readonly CatalogModel[], cache: string, url: string): HubModel | OnnxHubModel | GgufHubModel | null {
  for (const model of catalog) if (isHubModel(model) && belongsTo(model, cache, url)) return model;
  return null;
}

/**
 * - `stored`: a whole build is there: it loads offline.
 * - `partial`: some files are there (a download cut short, or a library without its weights).
 */
export type HubStorageStatus = 'stored' | 'partial';

export interface HubStorageRow {
  id: string;
  label: string;
  engine: 'web-llm' | 'transformers' | 'wllama';
  status: HubStorageStatus;
  storedBytes: number;
  entries: number;
}

/** One row per hub model with anything stored, in the catalog's order. `complete`: ids with a whole build stored. */
export function hubStorageRows(catalog: readonly CatalogModel[], entries: readonly CachedEntry[], complete: ReadonlySet<string>): HubStorageRow[] {
  const tally = new Map<string, { bytes: number; entries: number }>();
  for (const entry of entries) {
    const owner = ownerOf(catalog, entry.cache, entry.url);
    if (!owner) continue;
    const sum = tally.get(owner.id) ?? { bytes: 0, entries: 0 };
    sum.bytes += entry.bytes;
    sum.entries += 1;
    tally.set(owner.id, sum);
  }
  return catalog.filter(isHubModel).flatMap((model): HubStorageRow[] => {
    const sum = tally.get(model.id);
    if (!sum) return [];
    return [{ id: model.id, label: model.label, engine: model.engine, status: complete.has(model.id) ? 'stored' : 'partial', storedBytes: sum.bytes, entries: sum.entries }];
  });
}

export function describeHubRow(row: HubStorageRow): string {
  const from = row.engine === 'web-llm' ? 'web-llm' : row.engine === 'wllama' ? 'llama.cpp' : 'transformers.js';
  return row.status === 'stored'
    ? `stored for offline use (${from}, ${row.entries} files)`
    : `partly stored (${from}, ${row.entries} files): needs a download to run`;
}
