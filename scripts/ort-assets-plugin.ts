import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/**
 * Serves ORT's WASM runtime from the app's own origin (never a CDN), in dev and in the build.
 * The files must come from the onnxruntime-web that transformers.js itself resolves (a pinned dev
 * build, not necessarily the top-level one), and live under a versioned folder so that a new ORT
 * never meets a stale cached copy.
 */
const ORT_FILES = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];

function resolveOrtDist(): { version: string; distDir: string } {
  const fromApp = createRequire(import.meta.url);
  const transformersEntry = fromApp.resolve('@huggingface/transformers');
  const fromTransformers = createRequire(transformersEntry);
  // The package exports no ./package.json, so step up from its entry file (which lives in dist/).
  const distDir = dirname(fromTransformers.resolve('onnxruntime-web'));
  const { version } = JSON.parse(readFileSync(join(distDir, '..', 'package.json'), 'utf8')) as { version: string };
  return { version, distDir };
}

export const ortVersion = resolveOrtDist().version;

export function ortAssetsPlugin(): Plugin {
  const { version, distDir } = resolveOrtDist();
  const prefix = `/ort/${version}/`;
  return {
    name: 'wirthforge-ort-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = req.url?.split('?')[0] ?? '';
        const base = server.config.base.replace(/\/$/, '');
        const name = path.startsWith(base + prefix) ? path.slice(base.length + prefix.length) : '';
        if (!ORT_FILES.includes(name)) return next();
        res.setHeader('Content-Type', name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        res.end(readFileSync(join(distDir, name)));
      });
    },
    generateBundle() {
      for (const name of ORT_FILES) {
        this.emitFile({ type: 'asset', fileName: `ort/${version}/${name}`, source: readFileSync(join(distDir, name)) });
      }
    },
  };
}
