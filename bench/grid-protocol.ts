/** What the grid driver sends to, and gets back from, the bare page's grid runner (bench/grid-page.ts). */
export interface GridPageRequest {
  engine: 'transformers.js' | 'wllama';
  /** The ONNX model id, or the GGUF build's id. */
  modelId: string;
  /** transformers.js's dtype (fp32, q8, q4); unused for GGUF. */
  dtype: string;
  /** The GGUF file's path under models/; unused for ONNX. */
  file?: string;
  threads: number;
  contextTokens: number;
  prompt: string;
  maxNewTokens: number;
}

export interface GridPageResult {
  ttftMs: number;
  decodeTps: number;
  outputTokens: number;
  promptTokens: number;
  /** The greedy continuation, for the agreement check. */
  text: string;
  /** The threads the engine actually ran with. */
  threads: number;
}
