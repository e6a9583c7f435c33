/**
 * One wllama (llama.cpp in WASM) engine in a worker of its own. Its WASM comes from the app's own
 * origin (scripts/wllama-assets-plugin.ts), never a CDN; wllama's own worker code is inlined in its
 * bundle. llama.cpp's log lines go to the engine (for error messages), not to the console.
 */
// The package's `main` names a file it does not ship; its ESM build is the entry.
import { Wllama } from '@wllama/wllama/esm/index.js';
import { exposeEngine } from './expose-engine.ts';
import { WllamaEngine, type HubFileStore, type WllamaLike } from './wllama-engine.ts';
import { GGUF_HUB_CACHE } from '../models/gguf-hub.ts';

const wasmUrl = new URL(`${import.meta.env.BASE_URL}wllama/${__WLLAMA_VERSION__}/wllama.wasm`, self.location.origin).href;

function createWllama(log: (line: string) => void): WllamaLike {
  const quiet = (): void => {};
  const keep = (...parts: unknown[]): void => log(parts.map(String).join(' '));
  return new Wllama(
    { default: wasmUrl },
    { logger: { debug: quiet, log: quiet, warn: keep, error: keep }, allowOffline: true },
  ) as unknown as WllamaLike;
}

/** Hub GGUF files in their Cache API store; none where this worker has no Cache API. */
function hubStore(): HubFileStore | undefined {
  if (typeof caches === 'undefined') return undefined;
  return {
    match: async (url) => (await caches.open(GGUF_HUB_CACHE)).match(url),
    put: async (url, response) => (await caches.open(GGUF_HUB_CACHE)).put(url, response),
    estimate: async () => {
      const estimate = await navigator.storage?.estimate?.();
      return estimate?.usage !== undefined && estimate.quota !== undefined ? { usage: estimate.usage, quota: estimate.quota } : null;
    },
  };
}

exposeEngine(
  new WllamaEngine({
    createWllama,
    modelsUrl: new URL(`${import.meta.env.BASE_URL}models/`, self.location.origin),
    fetch: (input, init) => fetch(input, init),
    now: () => performance.now(),
    runtime: () => ({ crossOriginIsolated: globalThis.crossOriginIsolated === true, hardwareConcurrency: globalThis.navigator?.hardwareConcurrency ?? 1 }),
    hubStore: hubStore(),
  }),
);
