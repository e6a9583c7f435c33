import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { OutgoingHttpHeaders } from 'node:http';
import type { Connect, Plugin } from 'vite';

/**
 * Serves `models/` the way a good static host does: a real content type, Content-Length, byte
 * ranges, and no on-the-fly compression. Vite's servers would otherwise gzip a 60 MB weight file
 * for every request (seconds of CPU, no length for progress bars) and answer a one-byte range probe
 * with the whole compressed file.
 */
const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
};

function modelFilesMiddleware(root: string, base: string, headers: OutgoingHttpHeaders = {}): Connect.NextHandleFunction {
  const prefix = `${base.replace(/\/$/, '')}/models/`;
  return (req, res, next) => {
    const path = decodeURIComponent(req.url?.split('?')[0] ?? '');
    if (!path.startsWith(prefix) || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    const file = normalize(join(root, path.slice(prefix.length)));
    if (!file.startsWith(root + sep)) return next();
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) return next();
      size = stat.size;
    } catch {
      res.statusCode = 404;
      res.end('Not Found');
      return;
    }
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) res.setHeader(name, value);
    res.setHeader('Content-Type', CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Cache-Control', 'no-cache');
    let start = 0;
    let end = size - 1;
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (range && (range[1] || range[2])) {
      start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
      end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start > end || start >= size) {
        res.statusCode = 416;
        res.setHeader('Content-Range', `bytes */${size}`);
        res.end();
        return;
      }
      res.statusCode = 206;
      res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
    }
    res.setHeader('Content-Length', String(end - start + 1));
    if (req.method === 'HEAD' || size === 0) {
      res.end();
      return;
    }
    createReadStream(file, { start, end }).pipe(res);
  };
}

export function modelFilesPlugin(): Plugin {
  return {
    name: 'wirthforge-model-files',
    configureServer(server) {
      server.middlewares.use(modelFilesMiddleware(join(server.config.publicDir, 'models'), server.config.base, server.config.server.headers));
    },
    configurePreviewServer(server) {
      server.middlewares.use(modelFilesMiddleware(resolve(server.config.root, server.config.build.outDir, 'models'), server.config.base, server.config.preview.headers));
    },
  };
}
