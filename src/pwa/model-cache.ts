/**
 * Where model files live in the Cache API, shared by the service worker (which fills the cache) and
 * the page (which shows and deletes what is in it).
 *
 * The app's own files, `models/manifest.json` and the small test model are precached by workbox
 * (cache `wirthforge-precache-…`), versioned by the build. Every other model file is stored the first
 * time it is fetched, in one cache whose keys carry the file's sha256 from the manifest: a rebuilt
 * file gets a new key, so a stale copy is never served, and keys no longer in the manifest are pruned
 * when a new version of the app activates.
 */
import type { ManifestFile, ManifestModel, ModelManifest } from '../models/manifest.ts';

/** workbox's cache-name prefix: the precache is then `wirthforge-precache-v2-<scope>`. */
export const CACHE_PREFIX = 'wirthforge';
export const PRECACHE_PREFIX = `${CACHE_PREFIX}-precache-`;
/** The runtime cache for model files. The suffix is the layout of its keys, not the app's version. */
export const MODELS_CACHE = `${CACHE_PREFIX}-models-v1`;
export const MODELS_CACHE_PREFIX = `${CACHE_PREFIX}-models-`;
/** Set by the service worker on its answer for a model file that is neither stored nor reachable. */
export const NEEDS_DOWNLOAD_HEADER = 'X-Wirthforge-Needs-Download';

export interface ModelFileRef {
  modelId: string;
  /** Path inside the model's folder, e.g. `onnx/model.onnx`. */
  path: string;
  /** Absolute URL, no query. */
  url: string;
  sha256: string;
  bytes: number;
}

/** The URL without its query and fragment: what a request for the file is matched on. */
export function stripSearch(url: string): string {
  const parsed = new URL(url);
  return parsed.origin + parsed.pathname;
}

function fileRef(model: ManifestModel, file: ManifestFile, modelsBase: string): ModelFileRef {
  return {
    modelId: model.id,
    path: file.path,
    url: stripSearch(new URL(`${encodeURIComponent(model.id)}/${file.path}`, modelsBase).href),
    sha256: file.sha256,
    bytes: file.bytes,
  };
}

/** The files of the model's default (fp32) build. `modelsBase` is the absolute URL of the `models/` folder, with its trailing slash. */
export function modelFiles(model: ManifestModel, modelsBase: string): ModelFileRef[] {
  return model.files.map((file) => fileRef(model, file, modelsBase));
}

/** Every file of every model in the manifest, by URL, the quantized builds' too: each is stored when first fetched. */
export function indexModelFiles(manifest: ModelManifest, modelsBase: string): Map<string, ModelFileRef> {
  const index = new Map<string, ModelFileRef>();
  for (const model of manifest.models) {
    for (const ref of modelFiles(model, modelsBase)) index.set(ref.url, ref);
    for (const build of model.builds ?? []) index.set(fileRef(model, build, modelsBase).url, fileRef(model, build, modelsBase));
  }
  return index;
}

/** The key a model file is stored under: its URL plus its content hash. */
export function modelCacheKey(ref: Pick<ModelFileRef, 'url' | 'sha256'>): string {
  return `${ref.url}?sha256=${ref.sha256}`;
}

/** Whether a stored key is a file of the current manifest with the current content. */
export function isCurrentModelKey(key: string, index: ReadonlyMap<string, ModelFileRef>): boolean {
  const ref = index.get(stripSearch(key));
  return ref !== undefined && modelCacheKey(ref) === key;
}

/** The model a stored key belongs to (`models/<id>/…`), whatever its hash; null for anything else. */
export function modelIdOfUrl(url: string, modelsBase: string): string | null {
  const path = stripSearch(url);
  const base = stripSearch(modelsBase);
  if (!path.startsWith(base)) return null;
  const rest = path.slice(base.length);
  const slash = rest.indexOf('/');
  return slash > 0 ? decodeURIComponent(rest.slice(0, slash)) : null;
}
