/** What the benchmark driver sends to, and gets back from, the bare reference page. */
export interface BareRunRequest {
  modelId: string;
  device: 'wasm' | 'webgpu';
  threads: number;
  prompt: string;
  maxNewTokens: number;
}

export interface BareRunResult {
  outputTokens: number;
  ttftMs: number;
  decodeTps: number;
}
