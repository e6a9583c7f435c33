import { batch, signal } from '@preact/signals';
import { modelBytes, type ManifestModel } from '../../models/manifest.ts';
import {
  MODELS_CACHE,
  NEEDS_DOWNLOAD_HEADER,
  PRECACHE_PREFIX,
  indexModelFiles,
  isCurrentModelKey,
  modelFiles,
  modelIdOfUrl,
  stripSearch,
} from '../../pwa/model-cache.ts';
import type { SwToPageMessage } from '../../pwa/messages.ts';
import type { PwaController } from './pwa.ts';
import type { PreflightAnswer } from '../../tiers/index.ts';
import { formatBytes } from '../../lib/format.ts';
import { ON_DEMAND_CACHE } from '../../pwa/precache-split.ts';
import { CATALOG, findCatalogModel, isHubModel } from '../../models/catalog.ts';
import { downloadRangeOf } from '../../models/hub-figures.ts';
import { storedHubModels } from '../../models/hub-cache.ts';
import { CONVERSATIONS_DB_NAME } from '../../conversations/store.ts';
import { HUB_CACHES, belongsTo, hubStorageRows, ownerOf, type CachedEntry, type HubStorageRow } from '../../models/hub-storage.ts';
import { setStoredHub, storedHub } from './stored-hub.ts';
import { RESPONSE_CACHE_DB_NAME } from '../../cache/disk-store.ts';
import {
  classifyModel,
  describeQuotaFailure,
  needsDownloadAnswer,
  type ModelStorageRow,
  type StorageEstimateFigures,
} from './storage-report.ts';
import { forgetAllModelFiles, type KeptModels } from './kept-model-files.ts';

/** IndexedDB databases the app writes, for browsers without `indexedDB.databases()`. */
const KNOWN_DATABASES = ['wirthforge', 'wirthforge-tiers', 'wirthforge-scenarios', CONVERSATIONS_DB_NAME, RESPONSE_CACHE_DB_NAME];

function modelsBase(): string {
  return new URL(`${import.meta.env.BASE_URL}models/`, location.origin).href;
}

async function urlsIn(cacheName: string | undefined): Promise<Set<string>> {
  if (!cacheName || !(await caches.has(cacheName))) return new Set();
  const cache = await caches.open(cacheName);
  return new Set((await cache.keys()).map((request) => request.url));
}

async function precacheName(): Promise<string | undefined> {
  return (await caches.keys()).find((name) => name.startsWith(PRECACHE_PREFIX));
}

/** Resolves once the deletion is done, or queued behind a connection this page still holds (it completes on reload). */
function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}

/** Bytes in a cache; a cache whose name and entry count are unchanged since `known` is not read again. */
async function cacheBytes(cacheName: string, known?: { key: string; bytes: number } | null): Promise<{ key: string; bytes: number }> {
  if (!(await caches.has(cacheName))) return { key: `${cacheName}:0`, bytes: 0 };
  const cache = await caches.open(cacheName);
  const requests = await cache.keys();
  const key = `${cacheName}:${requests.length}`;
  if (known?.key === key) return known;
  let bytes = 0;
  for (const request of requests) {
    const response = await cache.match(request);
    if (response) bytes += await responseBytes(response);
  }
  return { key, bytes };
}

/** The stored size of a response: its announced length, else its body's. */
async function responseBytes(response: Response): Promise<number> {
  const length = response.headers.get('Content-Length');
  if (length !== null && !response.headers.has('Content-Encoding')) return Number(length);
  return (await response.blob()).size;
}

/**
 * The storage panel's state and actions: what is stored (app copy and each model), how much space
 * the site uses and may use, persistence, deleting, and the "needs a download" check before a load.
 */
export class StorageStore {
  readonly available = typeof caches !== 'undefined';
  readonly estimate = signal<StorageEstimateFigures | null>(null);
  readonly persisted = signal<boolean | null>(null);
  readonly rows = signal<ModelStorageRow[]>([]);
  /** Hub models (web-llm's and transformers.js's) with anything in their caches. */
  readonly hubRows = signal<HubStorageRow[]>([]);
  /** The app's own offline copy (shell, workers, ORT, test model), in bytes. */
  readonly appBytes = signal<number | null>(null);
  private precacheBytes: { key: string; bytes: number } | null = null;
  private onDemandBytes: { key: string; bytes: number } | null = null;
  readonly message = signal<{ kind: 'error' | 'notice'; text: string } | null>(null);
  /** A model that could not be stored (storage full): shown at the top of the page, wherever the user is. */
  readonly alert = signal<string | null>(null);
  readonly busy = signal(false);

  private models: ManifestModel[] = [];
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;

  private readonly stopListening: () => void;

  constructor(private readonly pwa: PwaController) {
    this.stopListening = pwa.onMessage((message) => this.onWorkerMessage(message));
  }

  /** Stops listening to the service worker; a pending refresh is dropped. */
  dispose(): void {
    this.stopListening();
    if (this.pendingRefresh) clearTimeout(this.pendingRefresh);
    this.pendingRefresh = null;
  }

  setModels(models: ManifestModel[]): void {
    this.models = models;
    void this.refresh();
  }

  /**
   * After a load: what it stored shows in the panel. A hub model that is not all in its cache then was
   * refused storage for part of it (transformers.js swallows that failure while caching): say so, as
   * for a bundled model.
   */
  async afterLoad(modelId: string): Promise<void> {
    await this.refresh();
    const model = findCatalogModel(modelId);
    if (typeof caches === 'undefined' || !model || !isHubModel(model) || storedHub.value.has(modelId)) return;
    this.alert.value = describeQuotaFailure(modelId, downloadRangeOf(model).max, this.estimate.value, this.rows.value);
  }

  /** Re-reads everything; calls made while one runs are folded into one more pass. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        await this.readAll();
      } while (this.refreshAgain);
    })().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async readAll(): Promise<void> {
    const [estimate, persisted, rows, appBytes, hub] = await Promise.all([
      navigator.storage?.estimate?.().catch(() => undefined),
      navigator.storage?.persisted?.().catch(() => undefined),
      this.readRows(this.models),
      this.readAppBytes(),
      this.readHubRows(),
    ]);
    batch(() => {
      this.estimate.value = estimate?.usage !== undefined && estimate.quota !== undefined ? { usage: estimate.usage, quota: estimate.quota } : null;
      this.persisted.value = persisted ?? null;
      this.rows.value = rows;
      this.appBytes.value = appBytes;
      if (hub) {
        this.hubRows.value = hub.rows;
        setStoredHub(hub.complete);
      }
    });
  }

  /** Every cached response of a catalog hub model, with its size. */
  private async readHubEntries(): Promise<CachedEntry[]> {
    const entries: CachedEntry[] = [];
    for (const name of HUB_CACHES) {
      if (!(await caches.has(name))) continue;
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        if (!ownerOf(CATALOG, name, request.url)) continue;
        const response = await cache.match(request);
        if (response) entries.push({ cache: name, url: request.url, bytes: await responseBytes(response) });
      }
    }
    return entries;
  }

  private async readHubRows(): Promise<{ rows: HubStorageRow[]; complete: Set<string> } | null> {
    if (!this.available) return null;
    try {
      const [entries, complete] = await Promise.all([this.readHubEntries(), storedHubModels(CATALOG)]);
      return { rows: hubStorageRows(CATALOG, entries, complete), complete };
    } catch {
      // A cache that cannot be read leaves the last rows standing; deleting all data still clears it.
      return null;
    }
  }

  private async readRows(models: ManifestModel[]): Promise<ModelStorageRow[]> {
    if (!this.available) return [];
    const base = modelsBase();
    const index = indexModelFiles({ models }, base);
    const [precached, stored] = await Promise.all([precacheName().then(urlsIn), urlsIn(MODELS_CACHE)]);
    const precachedPaths = new Set([...precached].map(stripSearch));
    const storedPaths = new Set([...stored].filter((key) => isCurrentModelKey(key, index)).map(stripSearch));
    return models.map((model) => {
      const urls = new Map(modelFiles(model, base).map((ref) => [ref.path, ref.url]));
      return classifyModel(model, (path) => {
        const url = urls.get(path) ?? '';
        return precachedPaths.has(url) ? 'precache' : storedPaths.has(url) ? 'models' : null;
      });
    });
  }

  /** The app's offline copy: what was stored at install, and the parts stored since on first use. */
  private async readAppBytes(): Promise<number | null> {
    if (!this.available) return null;
    const name = await precacheName();
    if (!name) return null;
    // Counted while the worker installs, the precache is still filling: its entry count tells.
    this.precacheBytes = await cacheBytes(name, this.precacheBytes);
    this.onDemandBytes = await cacheBytes(ON_DEMAND_CACHE, this.onDemandBytes);
    return this.precacheBytes.bytes + this.onDemandBytes.bytes;
  }

  /** Asks the browser not to evict what is stored when space runs low. */
  async requestPersistence(): Promise<void> {
    if (!navigator.storage?.persist) {
      this.message.value = { kind: 'error', text: 'This browser cannot be asked to keep stored files.' };
      return;
    }
    const granted = await navigator.storage.persist();
    this.persisted.value = granted;
    this.message.value = granted
      ? { kind: 'notice', text: 'Stored files are now persistent: the browser will not evict them to make room.' }
      : {
          kind: 'notice',
          text: 'The browser declined for now (it decides from how the site is used: installing the app or bookmarking it helps). Stored models may be evicted when the disk runs low, and would then need a download again.',
        };
  }

  async deleteModel(modelId: string): Promise<void> {
    if (!this.available) return;
    this.busy.value = true;
    try {
      const before = this.rows.value.find((r) => r.id === modelId)?.storedBytes ?? 0;
      const cache = await caches.open(MODELS_CACHE);
      const base = modelsBase();
      for (const request of await cache.keys()) {
        if (modelIdOfUrl(request.url, base) === modelId) await cache.delete(request);
      }
      await this.refresh();
      this.message.value = { kind: 'notice', text: `${modelId} deleted from this device (${formatBytes(before)} freed). It needs a download to run again.` };
    } catch (error) {
      this.message.value = { kind: 'error', text: `${modelId} could not be deleted: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      this.busy.value = false;
    }
  }

  /** Removes only this hub model's entries, from every cache that holds them. */
  async deleteHubModel(modelId: string): Promise<void> {
    const model = findCatalogModel(modelId);
    if (!this.available || !model || model.source === 'bundled') return;
    this.busy.value = true;
    try {
      const before = this.hubRows.value.find((r) => r.id === modelId)?.storedBytes ?? 0;
      for (const name of HUB_CACHES) {
        if (!(await caches.has(name))) continue;
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
          if (belongsTo(model, name, request.url)) await cache.delete(request);
        }
      }
      await this.refresh();
      this.message.value = { kind: 'notice', text: `${model.label} deleted from this device (${formatBytes(before)} freed). It needs a download to run again.` };
    } catch (error) {
      this.message.value = { kind: 'error', text: `${model.label} could not be deleted: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      this.busy.value = false;
    }
  }

  /** A model file or folder the user kept: removed from this device's storage by its owner. */
  async deleteKept(kept: KeptModels, modelId: string): Promise<void> {
    const entry = kept.stored.peek().find((k) => k.id === modelId);
    if (!entry) return;
    this.busy.value = true;
    try {
      await kept.forget(modelId);
      await this.refresh();
      this.message.value = { kind: 'notice', text: `${entry.label} deleted from this device (${formatBytes(entry.bytes)} freed). Open it from disk to run it again.` };
    } catch (error) {
      this.message.value = { kind: 'error', text: `${entry.label} could not be deleted: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      this.busy.value = false;
    }
  }

  /** Caches, IndexedDB (history, calibrations), preferences and the service worker itself; then reloads. */
  async deleteAll(): Promise<void> {
    this.busy.value = true;
    try {
      await this.pwa.unregister();
      if (this.available) for (const name of await caches.keys()) await caches.delete(name);
      await forgetAllModelFiles();
      const names = typeof indexedDB.databases === 'function' ? (await indexedDB.databases()).map((db) => db.name).filter((n): n is string => Boolean(n)) : KNOWN_DATABASES;
      await Promise.all(names.map(deleteDatabase));
      localStorage.clear();
      sessionStorage.clear();
    } catch (error) {
      this.message.value = { kind: 'error', text: `Not everything could be deleted: ${error instanceof Error ? error.message : String(error)}` };
      this.busy.value = false;
      return;
    }
    this.pwa.reloadOnce();
  }

  /**
   * The pre-flight check: a model with files that are not stored, while the server cannot be reached,
   * is refused with "needs a download" (and what to do) rather than failing deep in the engine.
   */
  async needsDownload(model: ManifestModel | undefined): Promise<PreflightAnswer | null> {
    if (!model || !this.available || !this.pwa.controlled.value) return null;
    const [row] = await this.readRows([model]);
    if (!row || row.status === 'app' || row.status === 'stored') return null;
    const missing = modelFiles(model, modelsBase()).find((ref) => row.missing.includes(ref.path));
    let reachable = false;
    if (missing) {
      try {
        const probe = await fetch(missing.url, { method: 'HEAD', cache: 'no-store' });
        reachable = !probe.headers.has(NEEDS_DOWNLOAD_HEADER);
      } catch {
        reachable = false;
      }
    }
    return needsDownloadAnswer(row, reachable);
  }

  private modelBytes(modelId: string): number | undefined {
    const model = this.models.find((m) => m.id === modelId);
    return model ? modelBytes(model) : undefined;
  }

  private pendingRefresh: ReturnType<typeof setTimeout> | null = null;

  private onWorkerMessage(message: SwToPageMessage): void {
    if (message.kind === 'wirthforge:model-file-not-stored') {
      void this.refresh().then(() => {
        this.alert.value =
          message.reason === 'quota'
            ? describeQuotaFailure(message.modelId, this.modelBytes(message.modelId) ?? message.bytes, this.estimate.value, this.rows.value)
            : `${message.modelId} could not be stored for offline use (${message.detail}); it runs now, but will need the network next time.`;
      });
      return;
    }
    // Files arrive one after another: one refresh once they have settled.
    if (this.pendingRefresh) clearTimeout(this.pendingRefresh);
    this.pendingRefresh = setTimeout(() => {
      this.pendingRefresh = null;
      void this.refresh();
    }, 200);
  }
}
