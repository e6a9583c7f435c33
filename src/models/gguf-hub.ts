/**
 * GGUF files on the model hub that llama.cpp (wllama) runs (catalog entries of source `hub-gguf`):
 * where the file is, where it is kept, what the pre-flight counts for it, and the decisions around
 * its download (the bar's total, whether it arrived whole, whether there is room to keep it), each
 * with the sentence the user reads. Pure: the engine fetches and stores, the storage panel reads the
 * cache.
 *
 * The file is kept in a Cache API store of its own, under its `resolve/main/` URL, rather than in
 * wllama's OPFS cache: the storage panel already reads, sizes and deletes hub models per cache entry
 * (`hub-storage.ts`), "Delete all data" already clears every cache, and wllama's cache is filled only
 * by its own downloader, which would skip our progress in bytes and the header check before
 * llama.cpp allocates anything.
 */
import { formatBytes } from '../lib/format.ts';
import { modelFootprint, type Dtype, type Footprint, type ModelSpec } from '../tiers/index.ts';
import { CATALOG, HUB_WEIGHTS_HOST, findCatalogModel, type GgufHubModel } from './catalog.ts';

/** The Cache API store that holds the hub's GGUF files. */
export const GGUF_HUB_CACHE = 'wirthforge-gguf-hub';

/** The context the wllama engine allocates at most, so that a 32 K-token model does not claim its whole KV cache. */
export const GGUF_CONTEXT_CAP = 4096;

export const GGUF_HUB_MODELS: readonly GgufHubModel[] = CATALOG.filter((m): m is GgufHubModel => m.source === 'hub-gguf');

export function ggufHubModel(id: string): GgufHubModel | null {
  const model = findCatalogModel(id);
  return model?.source === 'hub-gguf' ? model : null;
}

/** `https://huggingface.co/{repo}/resolve/main/{file}`: where the file is fetched from, and its cache key. */
export function ggufHubUrl(model: Pick<GgufHubModel, 'repo' | 'file'>): string {
  return `https://${HUB_WEIGHTS_HOST}/${model.repo}/resolve/main/${model.file.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * The capacity arithmetic's dtype for a llama.cpp quantization: Q8_0 is 8.5 bits a weight, the 4-bit
 * k-quants 4.5 to 5; anything else counts as f16, the largest a hub GGUF of these models comes in.
 */
export function ggufCapacityDtype(quantization: string): Dtype {
  const q = quantization.toUpperCase();
  if (/^(Q8|IQ8)/.test(q)) return 'q8';
  if (/^(Q[2-6]|IQ[1-4])/.test(q)) return 'q4';
  if (q === 'F32') return 'fp32';
  return 'fp16';
}

/**
 * What the pre-flight counts before the download: the file as it sits in llama.cpp's heap, an f16 KV
 * cache at the context the engine allocates (the model's, capped), and the runtime overhead — the
 * engine's own footprint rule, with the catalog's file size.
 */
export function ggufHubSpec(model: GgufHubModel): ModelSpec {
  const dtype = ggufCapacityDtype(model.quantization);
  return {
    name: model.id,
    params: model.parameters,
    dtype,
    kvDtype: 'fp16',
    storedWeights: { dtype, bytes: model.fileBytes },
    layers: model.shape.layers,
    kvHeads: model.shape.kvHeads,
    headDim: model.shape.headDim,
    contextTokens: Math.min(model.shape.contextTokens, GGUF_CONTEXT_CAP),
  };
}

export function ggufHubFootprint(model: GgufHubModel): Footprint {
  return modelFootprint(ggufHubSpec(model));
}

/** Whether the cache holds the file (then it loads offline). `urls`: the cache's keys. */
export function ggufStoredState(model: GgufHubModel, urls: ReadonlySet<string>): 'stored' | 'none' {
  return urls.has(ggufHubUrl(model)) ? 'stored' : 'none';
}

/** The progress bar's total: the hub's announced length once it answers, the catalog's figure before. */
export function ggufDownloadTotal(catalogBytes: number, contentLength: string | null): number {
  const announced = Number(contentLength);
  return contentLength !== null && Number.isFinite(announced) && announced > 0 ? announced : catalogBytes;
}

/** A download that ended before its announced length (a dropped connection): null when it is whole. */
export function ggufDownloadShort(model: GgufHubModel, contentLength: string | null, receivedBytes: number): string | null {
  const announced = Number(contentLength);
  if (contentLength === null || !Number.isFinite(announced) || announced <= 0 || receivedBytes >= announced) return null;
  return `The download of ${model.file} from ${HUB_WEIGHTS_HOST} stopped at ${receivedBytes.toLocaleString('en-US')} of ${announced.toLocaleString('en-US')} bytes; nothing was stored. Load it again.`;
}

/** A file the hub does not serve (HTTP status) in words: the repository or file may have been renamed. */
export function ggufHubMissing(model: GgufHubModel, status: number): string {
  return `${HUB_WEIGHTS_HOST} does not serve ${model.file} from ${model.repo} (HTTP ${status}). The file may have been renamed or removed there.`;
}

/** A write the browser refused after the download (the estimate said there was room, or gave none). */
export function ggufStoreFailure(error: { name: string; message: string }): string {
  if (error.name === 'QuotaExceededError') return 'not stored: the browser refused the space (storage is full)';
  return `not stored: ${error.message.replace(/[.\s]+$/, '') || error.name}`;
}

export interface StorageFigures {
  usage: number;
  quota: number;
}

/**
 * Whether the downloaded file is kept, decided before the download from the browser's storage
 * estimate: a file that would not fit is downloaded, run and not stored (the page then says storage
 * is full, as for every hub model), rather than written until the browser refuses it part way. No
 * estimate: try, and let a refused write say so.
 */
export function ggufStorePlan(fileBytes: number, estimate: StorageFigures | null): { store: true } | { store: false; reason: string } {
  if (!estimate) return { store: true };
  const free = Math.max(0, estimate.quota - estimate.usage);
  if (fileBytes <= free) return { store: true };
  return {
    store: false,
    reason: `not stored: it needs ${formatBytes(fileBytes)} and this site has ${formatBytes(free)} left (it uses ${formatBytes(estimate.usage)} of ${formatBytes(estimate.quota)})`,
  };
}
