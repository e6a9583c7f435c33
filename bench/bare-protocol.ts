/** What the benchmark driver sends to, and gets back from, the bare reference page. */
export interface BareRunRequest {
  modelId: string;
  device: 'wasm' | 'webgpu';
  threads: number;
  prompt: string;
  maxNewTokens: number;
  /** Free each replaced KV cache entry at once (src/workers/cache-release.ts); by default where the app's engine does. */
  cacheRelease?: boolean;
}

export interface BareRunResult {
  outputTokens: number;
  ttftMs: number;
  decodeTps: number;
}

/** The bare worker's answer to one run. */
export type BareWorkerReply = { ok: true; result: BareRunResult } | { ok: false; error: string };
