/**
 * Which hub models are already stored on this device, without loading either engine's bundle into
 * the page. A web-llm build counts as stored when its tensor-cache manifest and every shard it lists
 * are in `webllm/model`, as web-llm's own `hasModelInCache` decides; a transformers.js model when
 * `transformers-cache` holds every file of one of its builds (`onnxStoredState`); a hub GGUF file when
 * `wirthforge-gguf-hub` holds it (`ggufStoredState`).
 */
import { hubWeightsBase, type CatalogModel, type HubBuild } from './catalog.ts';
import { ONNX_HUB_CACHE, onnxStoredState } from './onnx-hub.ts';
import { WEBLLM_CACHES } from './hub-storage.ts';
import { GGUF_HUB_CACHE, ggufStoredState } from './gguf-hub.ts';

const TENSOR_MANIFEST = 'tensor-cache.json';

/** The shard URLs a tensor-cache manifest lists; null when it is not one. */
export function shardUrls(weightsBase: string, manifest: unknown): string[] | null {
  if (typeof manifest !== 'object' || manifest === null) return null;
  const records = (manifest as { records?: unknown }).records;
  if (!Array.isArray(records)) return null;
  const urls: string[] = [];
  for (const record of records) {
    const path = (record as { dataPath?: unknown } | null)?.dataPath;
    if (typeof path !== 'string') return null;
    urls.push(new URL(path, weightsBase).href);
  }
  return urls;
}

async function buildStored(cache: Cache, build: HubBuild): Promise<boolean> {
  const base = hubWeightsBase(build);
  const manifest = await cache.match(new URL(TENSOR_MANIFEST, base).href);
  if (!manifest) return false;
  const urls = shardUrls(base, await manifest.json().catch(() => null));
  if (!urls) return false;
  for (const url of urls) if (!(await cache.match(url))) return false;
  return true;
}

async function openIfPresent(name: string): Promise<Cache | null> {
  return (await caches.has(name)) ? caches.open(name) : null;
}

/** Catalog ids of hub models with at least one build fully stored. */
export async function storedHubModels(catalog: readonly CatalogModel[]): Promise<Set<string>> {
  const stored = new Set<string>();
  if (typeof caches === 'undefined') return stored;
  const [webllm, onnx, gguf] = await Promise.all([openIfPresent(WEBLLM_CACHES.model), openIfPresent(ONNX_HUB_CACHE), openIfPresent(GGUF_HUB_CACHE)]);
  const onnxUrls = new Set(onnx ? (await onnx.keys()).map((request) => request.url) : []);
  const ggufUrls = new Set(gguf ? (await gguf.keys()).map((request) => request.url) : []);
  for (const model of catalog) {
    if (model.source === 'hub-gguf') {
      if (ggufStoredState(model, ggufUrls) === 'stored') stored.add(model.id);
      continue;
    }
    if (model.source === 'hub-onnx') {
      if (onnxStoredState(model, onnxUrls) === 'stored') stored.add(model.id);
      continue;
    }
    if (model.source !== 'hub' || !webllm) continue;
    for (const build of Object.values(model.builds)) {
      if (await buildStored(webllm, build)) {
        stored.add(model.id);
        break;
      }
    }
  }
  return stored;
}
