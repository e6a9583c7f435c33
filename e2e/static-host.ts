import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { COMPRESSED_TYPES } from '../scripts/compressed-preview-plugin.ts';

/**
 * A plain static host for the PWA tests: files with a content type and a length, code and markup
 * gzipped for clients that accept it (as any CDN does), and nothing else: no COOP/COEP headers (the
 * service worker must add them), no ranges, no fallback to index.html. It counts the bytes it sends.
 * It can switch the folder it serves (a new deploy) and go away entirely (the network is off).
 */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.onnx': 'application/octet-stream',
};


export class StaticHost {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  /** Every path asked for since the last `clearLog()`, with its method. */
  readonly log: string[] = [];
  /** Bytes of response bodies sent since the last `clearLog()`, as they went over the wire. */
  bytesSent = 0;

  constructor(
    private root: string,
    readonly port: number,
  ) {}

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A new deploy: from now on, files come from this folder. */
  serve(root: string): void {
    this.root = root;
  }

  clearLog(): void {
    this.log.length = 0;
    this.bytesSent = 0;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => {
      const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
      this.log.push(`${req.method} ${path}`);
      const file = normalize(join(this.root, path.endsWith('/') ? `${path}index.html` : path));
      let size = -1;
      try {
        const stat = statSync(file);
        if (stat.isFile() && file.startsWith(this.root + sep)) size = stat.size;
      } catch {
        // missing: 404 below
      }
      if (size < 0 || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.writeHead(size < 0 ? 404 : 405, { 'Content-Type': 'text/plain' }).end('Not Found');
        return;
      }
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      if (extname(file) in COMPRESSED_TYPES && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
        const body = gzipSync(readFileSync(file));
        res.writeHead(200, { 'Content-Type': type, 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding', 'Content-Length': String(body.length), 'Cache-Control': 'no-cache' });
        if (req.method === 'HEAD') res.end();
        else {
          this.bytesSent += body.length;
          res.end(body);
        }
        return;
      }
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': String(size), 'Cache-Control': 'no-cache' });
      if (req.method === 'HEAD') res.end();
      else {
        this.bytesSent += size;
        createReadStream(file).pipe(res);
      }
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** The network is off: the port refuses connections, and open ones are cut. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
