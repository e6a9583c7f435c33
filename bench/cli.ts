/** What the bench's command-line tools share: their flags, and the built app served on a free port. */
import { preview, type PreviewServer } from 'vite';

/** The value after `name` on the command line, if the flag is there. */
export function argOf(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

/** `dist` served by vite preview on 127.0.0.1 at a free port, with the URL it answers on. */
export async function serveBuild(dist: string): Promise<{ server: PreviewServer; baseUrl: string }> {
  const server = await preview({ build: { outDir: dist }, preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
  const baseUrl = server.resolvedUrls?.local[0];
  if (!baseUrl) throw new Error('vite preview did not report a URL');
  return { server, baseUrl };
}
