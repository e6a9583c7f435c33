/** What the grid driver sends to, and gets back from, the bare page's grid runner (bench/grid-page.ts). */

/** What loading a cell's model needs, in the page and natively: common to a timed run and a forced pass. */
export interface GridModelRequest {
  /** The ONNX model id, or the GGUF build's id. */
  modelId: string;
  /** transformers.js's dtype (fp32, q8, q4); unused for GGUF. */
  dtype: string;
  /** The GGUF file's path under models/; unused for ONNX. */
  file?: string;
  threads: number;
  contextTokens: number;
}

export interface GridPageRequest extends GridModelRequest {
  engine: 'transformers.js' | 'wllama';
  prompt: string;
  maxNewTokens: number;
}

export interface GridPageResult {
  ttftMs: number;
  decodeTps: number;
  outputTokens: number;
  promptTokens: number;
  /** The greedy continuation, kept in the JSON to show what each engine says (agreement is judged on forced positions, bench/grid-agreement.ts). */
  text: string;
  /** The threads the engine actually ran with. */
  threads: number;
}

/** The agreement check's forced pass: the same request's model, forced along `tokens`. */
export interface GridForcedRequest extends Omit<GridPageRequest, 'prompt' | 'maxNewTokens'> {
  /** The reference sequence as token ids (the grid model's tokenizer; the GGUF builds share its vocabulary). */
  tokens: number[];
  /** The first forced position: each position i ≥ from reports the engine's top-1 for token i. */
  from: number;
  /** For an engine that takes only text (wllama), the text of each forced position's prefix (tokens[0..i)), checked to tokenize back to those ids. */
  prefixTexts: string[];
}
