import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/**
 * Serves wllama's WASM (llama.cpp) from the app's own origin, in dev and in the build, under a
 * versioned folder (`wllama/<version>/wllama.wasm`) so a new wllama never meets a stale cached copy.
 * wllama 3 ships one WASM for both its single-thread and multi-thread runtimes (it starts pthreads
 * only when given more than one thread and shared memory works), and inlines its worker's code.
 */
const WLLAMA_FILES = ['wllama.wasm'];

function resolveWllamaDist(): { version: string; wasmDir: string } {
  const require = createRequire(import.meta.url);
  // The package's `main` points at a file it does not ship; its esm entry sits beside the wasm folder.
  const entry = require.resolve('@wllama/wllama/esm/index.js');
  const { version } = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return { version, wasmDir: join(dirname(entry), 'wasm') };
}

export const wllamaVersion = resolveWllamaDist().version;

export function wllamaAssetsPlugin(): Plugin {
  const { version, wasmDir } = resolveWllamaDist();
  const prefix = `/wllama/${version}/`;
  return {
    name: 'wirthforge-wllama-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = req.url?.split('?')[0] ?? '';
        const base = server.config.base.replace(/\/$/, '');
        const name = path.startsWith(base + prefix) ? path.slice(base.length + prefix.length) : '';
        if (!WLLAMA_FILES.includes(name)) return next();
        res.setHeader('Content-Type', 'application/wasm');
        res.end(readFileSync(join(wasmDir, name)));
      });
    },
    generateBundle() {
      for (const name of WLLAMA_FILES) {
        this.emitFile({ type: 'asset', fileName: `wllama/${version}/${name}`, source: readFileSync(join(wasmDir, name)) });
      }
    },
  };
}
