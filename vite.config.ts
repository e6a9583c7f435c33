import { defineConfig } from 'vite';
import { readFileSync } from 'node:fs';
import { ortAssetsPlugin, ortVersion } from './scripts/ort-assets-plugin.ts';
import { modelFilesPlugin } from './scripts/model-files-plugin.ts';
import { compressedPreviewPlugin } from './scripts/compressed-preview-plugin.ts';
import { wllamaAssetsPlugin, wllamaVersion } from './scripts/wllama-assets-plugin.ts';
import { VitePWA } from 'vite-plugin-pwa';
import { ISOLATION_HEADERS } from './src/pwa/isolation.ts';
import { PRECACHE_GLOBS, PRECACHE_MAX_FILE_BYTES, WEB_MANIFEST } from './src/pwa/web-manifest.ts';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// Threads in ORT's WASM backend need SharedArrayBuffer, which needs a cross-origin-isolated page.
// The service worker adds the same headers on hosts that cannot (src/pwa/isolation.ts).
const crossOriginIsolation = { ...ISOLATION_HEADERS };

export default defineConfig({
  define: {
    __APP_VERSION__: JSON.stringify(pkg.version),
    __ORT_VERSION__: JSON.stringify(ortVersion),
    __WLLAMA_VERSION__: JSON.stringify(wllamaVersion),
  },
  // A missing file must be a 404, not index.html: the engine reports it as missing instead of choking on '<'.
  appType: 'mpa',
  plugins: [
    ortAssetsPlugin(),
    wllamaAssetsPlugin(),
    modelFilesPlugin(),
    compressedPreviewPlugin(),
    // Installable and offline: manifest + a TypeScript service worker (src/pwa/sw.ts, see docs/pwa.md).
    // The page registers it itself (src/app/pwa.ts), only in builds.
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/pwa',
      filename: 'sw.ts',
      injectRegister: false,
      registerType: 'prompt',
      manifest: WEB_MANIFEST,
      includeManifestIcons: false, // the globs below take them, once
      injectManifest: {
        globPatterns: PRECACHE_GLOBS,
        maximumFileSizeToCacheInBytes: PRECACHE_MAX_FILE_BYTES,
        rollupFormat: 'iife', // a classic worker: module service workers are not everywhere yet
      },
    }),
  ],
  resolve: {
    // Without this condition ORT's WebGPU bundle inlines a second, unused 27 MB copy of its wasm.
    conditions: ['onnxruntime-web-use-extern-wasm'],
  },
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  optimizeDeps: {
    // Imported only from a worker: without this the first dev load re-optimises and reloads mid-run.
    include: ['@huggingface/transformers', '@wllama/wllama/esm/index.js', 'comlink', 'idb'],
  },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // The bare reference page ships too, so anyone can rerun the benchmark's comparison.
    rollupOptions: { input: { app: 'index.html', bare: 'bench/bare.html' } },
    chunkSizeWarningLimit: 4096,
  },
  server: { host: '127.0.0.1', headers: crossOriginIsolation },
  preview: { host: '127.0.0.1', headers: crossOriginIsolation },
});
