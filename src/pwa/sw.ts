/// <reference lib="webworker" />
/**
 * Wirthforge's service worker (built by vite-plugin-pwa's injectManifest into `sw.js`).
 *
 * - Precache (workbox, versioned by the build): what running the bundled test models needs — the app
 *   shell, its workers, ORT's `.mjs` and `.wasm`, `models/manifest.json`, wf-alphabet and wf-tiny. A new build installs
 *   beside the old one and waits until the page asks it to take over (see src/app/offline/pwa.ts).
 * - The rest of the build (web-llm's and llama.cpp's engines, the bench harness, the built-in
 *   plugins; precache-split.ts) is stored the first time it is fetched, keyed by the build's
 *   revision, and pruned when a build no longer ships it.
 * - Model files: cache first, stored once under a key that carries the file's sha256 (see
 *   model-cache.ts); byte ranges are cut from the stored file. An unstored file with no network
 *   answers 504 with a "needs a download" header instead of a bare network error.
 * - Every same-origin response it serves carries COOP/COEP/CORP, so the page is cross-origin
 *   isolated (WASM threads) even on a static host that cannot set headers.
 * - Requests it does not answer (`swHandles`): other origins, POSTs, anything marked no-store — so
 *   inference-server traffic (prompts, answers) is never cached.
 * transformers.js has its own Cache API layer switched off (src/workers/transformers-engine.ts):
 * this worker is the one cache.
 */
import { setCacheNameDetails } from 'workbox-core';
import { PrecacheController, PrecacheRoute, type PrecacheEntry } from 'workbox-precaching';
import { RangeRequestsPlugin, createPartialResponse } from 'workbox-range-requests';
import { Route, Router } from 'workbox-routing';
import type { RouteHandlerCallbackOptions } from 'workbox-core/types.js';
import { parseManifest } from '../models/manifest.ts';
import { withIsolationHeaders } from './isolation.ts';
import {
  CACHE_PREFIX,
  MODELS_CACHE,
  MODELS_CACHE_PREFIX,
  NEEDS_DOWNLOAD_HEADER,
  indexModelFiles,
  isCurrentModelKey,
  modelCacheKey,
  stripSearch,
  type ModelFileRef,
} from './model-cache.ts';
import { SKIP_WAITING, type SwToPageMessage } from './messages.ts';
import { swHandles } from './sw-scope.ts';
import { ON_DEMAND_CACHE, onDemandKey, splitBuild } from './precache-split.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<PrecacheEntry | string> };

const scope = new URL(self.registration.scope);
const modelsBase = new URL('models/', scope).href;
const manifestUrl = new URL('manifest.json', modelsBase).href;

setCacheNameDetails({ prefix: CACHE_PREFIX });
const precache = new PrecacheController({ plugins: [new RangeRequestsPlugin()] });
const build = splitBuild(self.__WB_MANIFEST);
precache.precache(build.precached);

// ---- files stored when first used -------------------------------------------------------------

/** Absolute URL (no query) → the key its stored copy is kept under. */
const onDemand = new Map(build.onDemand.map((entry) => {
  const url = stripSearch(new URL(entry.url, scope).href);
  return [url, onDemandKey(url, entry.revision)] as const;
}));

/** Cache first; the first full answer is stored. Offline and never used, the fetch fails as it would without us. */
async function onDemandFile({ request, event }: RouteHandlerCallbackOptions): Promise<Response> {
  const key = onDemand.get(stripSearch(request.url))!;
  const cache = await caches.open(ON_DEMAND_CACHE);
  const stored = await cache.match(key);
  if (stored) return stored;
  const response = await fetch(request);
  if (response.status === 200 && response.type === 'basic') event.waitUntil(cache.put(key, response.clone()));
  return response;
}

// ---- model files ------------------------------------------------------------------------------

let modelIndex: Promise<Map<string, ModelFileRef>> | null = null;

/** The build's own model manifest (precached with it), as a URL → file map. */
function models(): Promise<Map<string, ModelFileRef>> {
  modelIndex ??= (async () => {
    try {
      const response = await precache.matchPrecache(manifestUrl);
      return response ? indexModelFiles(parseManifest(await response.json()), modelsBase) : new Map<string, ModelFileRef>();
    } catch {
      return new Map<string, ModelFileRef>();
    }
  })();
  return modelIndex;
}

async function tell(message: SwToPageMessage): Promise<void> {
  for (const client of await self.clients.matchAll({ type: 'window' })) client.postMessage(message);
}

function needsDownload(ref: ModelFileRef): Response {
  return new Response(`${ref.modelId} needs a download: its file ${ref.path} is not stored on this device and the network is unreachable.`, {
    status: 504,
    statusText: 'Needs a download',
    headers: { 'Content-Type': 'text/plain; charset=utf-8', [NEEDS_DOWNLOAD_HEADER]: ref.modelId },
  });
}

/** The length the server announced for the body itself (not a compressed transfer), if any. */
function announcedLength(response: Response): number | null {
  if (response.headers.has('Content-Encoding')) return null;
  const length = Number(response.headers.get('Content-Length'));
  return response.headers.has('Content-Length') && Number.isFinite(length) ? length : null;
}

async function store(cache: Cache, ref: ModelFileRef, response: Response): Promise<void> {
  const length = announcedLength(response);
  // A server mid-deploy may send another version than the manifest names: do not store it as this one.
  if (length !== null && length !== ref.bytes) return;
  try {
    await cache.put(modelCacheKey(ref), response);
    await tell({ kind: 'wirthforge:model-file-stored', modelId: ref.modelId, path: ref.path, bytes: ref.bytes });
  } catch (error) {
    const quota = error instanceof DOMException && error.name === 'QuotaExceededError';
    await tell({
      kind: 'wirthforge:model-file-not-stored',
      modelId: ref.modelId,
      path: ref.path,
      bytes: ref.bytes,
      reason: quota ? 'quota' : 'error',
      detail: error instanceof Error ? error.message : String(error),
    });
  }
}

/** Cache first: a stored file (or the requested byte range of it), else the network, stored on the way. */
async function modelFile({ request, event }: RouteHandlerCallbackOptions): Promise<Response> {
  const ref = (await models()).get(stripSearch(request.url));
  if (!ref) return fetch(request); // not in this build's manifest: nothing to version it by, so never stored
  const cache = await caches.open(MODELS_CACHE);
  const stored = await cache.match(modelCacheKey(ref));
  if (stored) return request.headers.has('Range') ? createPartialResponse(request, stored) : stored;
  let response: Response;
  try {
    response = await fetch(request);
  } catch {
    return needsDownload(ref);
  }
  // A partial answer is passed on but never stored; the whole file is stored on its first full fetch.
  if (response.status === 200 && response.type === 'basic' && !request.headers.has('Range')) event.waitUntil(store(cache, ref, response.clone()));
  return response;
}

/** A stored copy of the URL, from the precache or the model cache. */
async function storedCopy(url: string): Promise<Response | undefined> {
  const precached = await precache.matchPrecache(url);
  if (precached) return precached;
  const onDemandKeyOfUrl = onDemand.get(url);
  if (onDemandKeyOfUrl) return (await caches.open(ON_DEMAND_CACHE)).match(onDemandKeyOfUrl);
  const ref = (await models()).get(url);
  return ref ? (await caches.open(MODELS_CACHE)).match(modelCacheKey(ref)) : undefined;
}

/** HEAD is answered from a stored copy's headers (the engine checks every model file this way before loading). */
async function head({ request }: RouteHandlerCallbackOptions): Promise<Response> {
  const url = stripSearch(request.url);
  const stored = await storedCopy(url);
  if (stored) return new Response(null, { status: stored.status, statusText: stored.statusText, headers: stored.headers });
  try {
    return await fetch(request);
  } catch (error) {
    const ref = (await models()).get(url);
    if (ref) return needsDownload(ref);
    throw error;
  }
}

// ---- routing ----------------------------------------------------------------------------------

const router = new Router();
// Hashed file names and no query strings of our own: any query (e.g. a shared link's) still finds the page.
router.registerRoute(new PrecacheRoute(precache, { ignoreURLParametersMatching: [/.*/] }));
router.registerRoute(new Route(({ url }) => onDemand.has(stripSearch(url.href)), onDemandFile, 'GET'));
router.registerRoute(new Route(({ url }) => url.href.startsWith(modelsBase), modelFile, 'GET'));
router.registerRoute(new Route(() => true, head, 'HEAD'));
router.setDefaultHandler(({ request }) => fetch(request));
router.setCatchHandler(async ({ request }) => {
  // Offline, an unknown address inside the app still opens the app rather than the browser's error page.
  if (request instanceof Request && request.mode === 'navigate') {
    const shell = await precache.matchPrecache(new URL('index.html', scope).href);
    if (shell) return shell;
  }
  return Response.error();
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (!swHandles(request, self.location.origin)) return;
  const response = router.handleRequest({ request, event });
  if (response) event.respondWith(response.then(withIsolationHeaders));
});

// ---- life cycle -------------------------------------------------------------------------------

/** Drops model files this build no longer names (or names with other content), and old cache layouts. */
async function pruneModels(): Promise<void> {
  for (const name of await caches.keys()) {
    if (name.startsWith(MODELS_CACHE_PREFIX) && name !== MODELS_CACHE) await caches.delete(name);
  }
  const index = await models();
  if (index.size === 0) return; // no manifest in this build: keep what is there rather than guess
  const cache = await caches.open(MODELS_CACHE);
  for (const request of await cache.keys()) {
    if (!isCurrentModelKey(request.url, index)) await cache.delete(request);
  }
}

/** Drops files stored on demand that this build no longer ships (or ships with other content). */
async function pruneOnDemand(): Promise<void> {
  const current = new Set(onDemand.values());
  const cache = await caches.open(ON_DEMAND_CACHE);
  for (const request of await cache.keys()) {
    if (!current.has(request.url)) await cache.delete(request);
  }
}

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      await pruneModels();
      await pruneOnDemand();
      // The first install takes the open page at once, so what it fetches from now on is stored.
      await self.clients.claim();
    })(),
  );
});

// A new version waits (no skipWaiting at install) until the page, told by the user, asks for it.
self.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === SKIP_WAITING) void self.skipWaiting();
});
