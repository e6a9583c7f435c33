/**
 * Starts and stops the test inference server (`remote-server.ts`, node-llama-cpp behind an
 * OpenAI-compatible HTTP adapter, or with `ollama` one standing in for Ollama's native API) as a
 * child process on 127.0.0.1, so a test can also kill it the hard way (SIGKILL) mid-stream, as a
 * crashed or unplugged server would go.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const TINY_GGUF = resolve('public/models/wf-tiny-gguf-f32/wf-tiny.f32.gguf');

export interface PeerOptions {
  cors?: boolean;
  apiKey?: string;
  slots?: number;
  tokenDelayMs?: number;
  stallAfter?: number;
  /** Stand in for an Ollama server, in its native API (see remote-server.ts). */
  ollama?: boolean;
}

export interface PeerStats {
  requests: number;
  completed: number;
  rejected: number;
  cancelled: number;
  inFlight: number;
  maxInFlight: number;
  unauthorized: number;
}

export interface Peer {
  url: string;
  host: string;
  stats(): Promise<PeerStats>;
  kill(): void;
  stop(): Promise<void>;
}

export async function startPeer(options: PeerOptions = {}): Promise<Peer> {
  const args = ['--import', 'tsx', resolve('e2e/remote-server.ts'), '--model', TINY_GGUF, '--name', 'wf-tiny', '--port', '0', '--slots', String(options.slots ?? 4)];
  if (options.cors === false) args.push('--no-cors');
  if (options.apiKey) args.push('--api-key', options.apiKey);
  if (options.tokenDelayMs) args.push('--token-delay-ms', String(options.tokenDelayMs));
  if (options.stallAfter !== undefined) args.push('--stall-after', String(options.stallAfter));
  if (options.ollama) args.push('--ollama');
  const child: ChildProcess = spawn(process.execPath, args, { env: { ...process.env, UV_THREADPOOL_SIZE: '2' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the test server did not start: ${stderr}`)), 180_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.includes('"listening"'));
      if (line) {
        clearTimeout(timer);
        resolveUrl((JSON.parse(line) as { listening: string }).listening);
      }
    });
    child.on('exit', (code) => reject(new Error(`the test server exited (${code}): ${stderr}`)));
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return {
    url,
    host: new URL(url).host,
    stats: async () => (await (await fetch(`${url}/stats`)).json()) as PeerStats,
    kill: () => child.kill('SIGKILL'),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
