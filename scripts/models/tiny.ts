/**
 * wf-tiny: a LLaMA decoder whose weights are built so that greedy decoding continues every byte b
 * with byte (b + 1) mod 256 — "a" → "bcdefghij…" — through the real tokenizer, graph, KV cache and
 * sampler, giving end-to-end tests an exact expected output.
 *
 * How: the hidden state has CODE_BITS "code" dimensions that carry the current token id as ±1 bits
 * and are never written by any layer, plus "scratch" dimensions. Attention and the MLP run for real
 * (seeded weights, rotary positions, the cache) but their output projections have zero columns for
 * the code dimensions, so they only ever write scratch. The LM head reads only the code dimensions:
 * its column for byte j holds the code of byte j - 1, so the logit of j is proportional to the dot
 * product code(j - 1) · code(t). For ±1 codes that product is 9 when j - 1 = t and at most 7
 * otherwise, so byte t + 1 wins by a fixed margin; RMSNorm only rescales the logits by a positive
 * factor (which attention does change) and cannot move the argmax.
 *
 * Byte 255 is followed by byte 0 (the LM head's column 0 holds code(255)). The column of
 * <|endoftext|> is all zeros, so its logit is exactly 0 while the winning logit is positive: it is
 * never chosen greedily and only max_new_tokens ends a generation. (If <|endoftext|> itself appears in
 * a prompt, byte 1 follows it; nothing relies on that.)
 *
 * wf-alphabet, the default model a person meets first, is the same construction with one column
 * moved: <|endoftext|>'s column holds code("z") and the column of "{" is zeros, so the answer runs on
 * to "z" and ends there with an end of text ("Hello" → "pqrstuvwxyz").
 */
import type { LlamaShape, WeightSource, WeightTensor } from './llama-graph.ts';
import { EMBEDDING, LM_HEAD } from './llama-graph.ts';
import type { TensorData } from './onnx-file.ts';
import { seedFromString, UniformStream } from './prng.ts';
import { END_OF_TEXT_ID } from './tokenizer.ts';

export const TINY_SHAPE: LlamaShape = {
  hiddenSize: 32,
  layers: 2,
  heads: 2,
  // Fewer KV heads than heads, so the tiny model exercises the same Expand path as SmolLM2.
  kvHeads: 1,
  headDim: 16,
  intermediateSize: 64,
  vocabSize: END_OF_TEXT_ID + 1,
  ropeTheta: 10000,
  rmsNormEps: 1e-5,
  tieWordEmbeddings: false,
};

/** Enough bits for all 257 ids. */
const CODE_BITS = 9;
/**
 * LM head scale and scratch weight scale, tuned together: scratch activations inflate the RMS that
 * divides the code dimensions, so smaller scratch weights keep the winner's lead large. With these the
 * winner leads by at least ~15 logits (p > 0.99999 at temperature 1), so sampling agrees with greedy.
 */
const SHARPNESS = 10;
const SCRATCH_WEIGHT_SCALE = 0.25;

function codeBit(token: number, bit: number): number {
  return (token >> bit) & 1 ? 1 : -1;
}

/** Fills [hidden, vocab] with code(source(j)) in the code rows of column j, zero elsewhere. */
function codeColumns(shape: LlamaShape, source: (column: number) => number | null, scale: number): Float32Array {
  const { hiddenSize, vocabSize } = shape;
  const out = new Float32Array(hiddenSize * vocabSize);
  for (let column = 0; column < vocabSize; column++) {
    const token = source(column);
    if (token === null) continue;
    for (let bit = 0; bit < CODE_BITS; bit++) out[bit * vocabSize + column] = scale * codeBit(token, bit);
  }
  return out;
}

function tensorData(values: Float32Array): TensorData {
  return { kind: 'float32', values };
}

/** The byte after which wf-alphabet ends its answer. */
export const ALPHABET_END = 'z'.charCodeAt(0);

/** The token the LM head's column `column` follows; null for a column that never wins. */
export function predecessorOf(column: number, endAfter: number | null): number | null {
  if (endAfter === null) return column === END_OF_TEXT_ID ? null : (column + 255) % 256;
  if (column === END_OF_TEXT_ID) return endAfter;
  if (column === (endAfter + 1) % 256) return null;
  return (column + 255) % 256;
}

/** `endAfter`: the byte after which the model says end of text (wf-alphabet); null never (wf-tiny). */
export function tinyWeights(seed: string, endAfter: number | null = null): WeightSource {
  return (weight: WeightTensor): TensorData => {
    switch (weight.role) {
      case 'norm':
        return { kind: 'fill', value: 1 };
      case 'embedding':
        if (weight.name !== EMBEDDING) break;
        return tensorData(codeColumns(TINY_SHAPE, (token) => token, 1));
      case 'lm_head':
        if (weight.name !== LM_HEAD) break;
        return tensorData(codeColumns(TINY_SHAPE, (column) => predecessorOf(column, endAfter), SHARPNESS));
      case 'projection': {
        const [rows, cols] = weight.dims as [number, number];
        const values = new Float32Array(rows * cols);
        new UniformStream(seedFromString(`${seed}/${weight.name}`)).fill(values, SCRATCH_WEIGHT_SCALE);
        // Projections back into the residual stream must leave the code dimensions untouched.
        if (cols === TINY_SHAPE.hiddenSize) {
          for (let r = 0; r < rows; r++) values.fill(0, r * cols, r * cols + CODE_BITS);
        }
        return tensorData(values);
      }
    }
    throw new Error(`wf-tiny has no construction for ${weight.name}`);
  };
}

/**
 * What greedy decoding of wf-tiny appends to `prompt` after `n` new tokens: the bytes after the
 * prompt's last byte, wrapping 255 → 0, decoded on their own as UTF-8 the way the tokenizer's
 * ByteLevel decoder does (invalid sequences become U+FFFD). Past byte 127 the text is mostly U+FFFD,
 * so exact checks are easiest with ASCII prompts and few enough tokens to stay below 128.
 */
export function expectedTinyContinuation(prompt: string, n: number): string {
  const bytes = new TextEncoder().encode(prompt);
  if (bytes.length === 0) throw new RangeError('wf-tiny needs a non-empty prompt');
  const out = new Uint8Array(n);
  let last = bytes[bytes.length - 1]!;
  for (let i = 0; i < n; i++) {
    last = (last + 1) % 256;
    out[i] = last;
  }
  return new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(out);
}

/**
 * What greedy decoding of wf-alphabet appends to `prompt` within `n` new tokens: wf-tiny's bytes up to
 * the first "z" (none when the prompt ends with it), where the answer ends.
 */
export function expectedAlphabetContinuation(prompt: string, n: number): { text: string; ended: boolean } {
  const bytes = new TextEncoder().encode(prompt);
  if (bytes.length === 0) throw new RangeError('wf-alphabet needs a non-empty prompt');
  const out: number[] = [];
  let last = bytes[bytes.length - 1]!;
  while (out.length < n) {
    if (last === ALPHABET_END) return { text: decodeBytes(out), ended: true };
    last = (last + 1) % 256;
    out.push(last);
  }
  return { text: decodeBytes(out), ended: false };
}

function decodeBytes(bytes: number[]): string {
  return new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(new Uint8Array(bytes));
}
