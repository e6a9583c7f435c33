/**
 * Which hub models web-llm has already stored on this device (its Cache API scope `webllm/model`):
 * a build counts as stored when its tensor-cache manifest and every shard it lists are there, as
 * web-llm's own `hasModelInCache` decides, without loading web-llm's bundle into the page.
 */
import { hubWeightsBase, type CatalogModel, type HubBuild } from './catalog.ts';

const MODEL_SCOPE = 'webllm/model';
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

/** Catalog ids of hub models with at least one build fully stored. */
export async function storedHubModels(catalog: readonly CatalogModel[]): Promise<Set<string>> {
  const stored = new Set<string>();
  if (typeof caches === 'undefined' || !(await caches.has(MODEL_SCOPE))) return stored;
  const cache = await caches.open(MODEL_SCOPE);
  for (const model of catalog) {
    if (model.source !== 'hub') continue;
    for (const build of Object.values(model.builds)) {
      if (await buildStored(cache, build)) {
        stored.add(model.id);
        break;
      }
    }
  }
  return stored;
}
