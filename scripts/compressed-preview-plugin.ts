import { readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { ISOLATION_HEADERS } from '../src/pwa/isolation.ts';

/**
 * `vite preview` serves files as they are, and ONNX Runtime's 27 MB `.wasm` gzips to about 7 MB, so
 * the preview (what `npm start` and the tests serve) gzips code and markup for clients that accept it,
 * as docs/hosting.md asks of a real host. Each file is compressed once and kept while it is unchanged.
 * Model files are left alone: their length is checked against the manifest, and ranges are cut from them.
 */
/** What is gzipped (by extension), with its content type: code and markup, never model files. */
export const COMPRESSED_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json',
};

interface Compressed {
  mtimeMs: number;
  size: number;
  body: Buffer;
}

export function compressedPreviewPlugin(): Plugin {
  const compressed = new Map<string, Compressed>();
  return {
    name: 'wirthforge-compressed-preview',
    configurePreviewServer(server) {
      const root = resolve(server.config.root, server.config.build.outDir);
      const base = server.config.base.replace(/\/$/, '');
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
        const type = COMPRESSED_TYPES[extname(path)];
        const accepts = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
        if (req.method !== 'GET' || !type || !accepts || !path.startsWith(`${base}/`)) return next();
        const file = normalize(join(root, path.slice(base.length)));
        if (!file.startsWith(root + sep)) return next();
        let stat;
        try {
          stat = statSync(file);
        } catch {
          return next();
        }
        if (!stat.isFile()) return next();
        let entry = compressed.get(file);
        if (!entry || entry.mtimeMs !== stat.mtimeMs || entry.size !== stat.size) {
          entry = { mtimeMs: stat.mtimeMs, size: stat.size, body: gzipSync(readFileSync(file)) };
          compressed.set(file, entry);
        }
        for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
        res.setHeader('Content-Type', type);
        res.setHeader('Content-Encoding', 'gzip');
        res.setHeader('Vary', 'Accept-Encoding');
        res.setHeader('Content-Length', String(entry.body.length));
        res.setHeader('Cache-Control', 'no-cache');
        res.end(entry.body);
      });
    },
  };
}
