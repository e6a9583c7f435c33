/**
 * The generated LLaMA models as GGUF files that llama.cpp (node-llama-cpp natively, wllama in the
 * browser) runs: the same weights as the ONNX graph, in llama.cpp's names and layouts, with the same
 * byte-level vocabulary in the metadata.
 *
 * What differs from the ONNX layout, and why:
 * - ggml stores a linear layer's weight as PyTorch does, [out][in] (its first dimension is the
 *   contiguous `in`); our ONNX projections and embedding are stored [in, out], so they are transposed.
 * - llama.cpp's LLaMA applies rotary embeddings to interleaved pairs (2i, 2i+1), the ONNX graph (like
 *   Hugging Face) to halves (i, i + d/2). The Q and K rows of every head are permuted as llama.cpp's
 *   own converter does, so both compute the same attention scores.
 * - The vocabulary is llama.cpp's "gpt2" (byte-level BPE) model with the GPT-2 pre-tokenizer and no
 *   merges: each byte maps to the same printable character and id as in tokenizer.json, so both
 *   engines tokenize any text to one token per UTF-8 byte. `<|endoftext|>` is a control token,
 *   BOS and EOS; no BOS is added to prompts, as transformers.js adds none.
 * - Norm gains stay f32 in every dtype (1-D, and llama.cpp keeps them f32 too); every matrix takes
 *   the file's dtype, the embedding and the LM head included.
 */
import { join } from 'node:path';
import type { ModelSpec } from './catalog.ts';
import type { WrittenFile } from './hashed-file.ts';
import { EMBEDDING, FINAL_NORM, LM_HEAD, llamaWeights, type LlamaShape, type WeightSource, type WeightTensor } from './llama-graph.ts';
import { elementCount } from './onnx-file.ts';
import { materialize } from './quantize.ts';
import { quantize, type GgufDtype } from './gguf-quant.ts';
import { writeGguf, type GgufTensor, type MetadataValue } from './gguf-writer.ts';
import { END_OF_TEXT_ID, GENERATED_CHAT_TEMPLATE, tokenizerJson } from './tokenizer.ts';

export const GGUF_DTYPES: readonly GgufDtype[] = ['f32', 'q8_0', 'q4_0'];

/**
 * Which generated models also ship as GGUF, in which dtypes. A spec's GGUF builds are made only when
 * the spec is, so wf-smollm2-135m's stay out of the default build with its ONNX model.
 */
export const GGUF_BUILDS: Readonly<Record<string, readonly GgufDtype[]>> = {
  'wf-tiny': GGUF_DTYPES,
  'wf-stories15m': GGUF_DTYPES,
  'wf-smollm2-135m': GGUF_DTYPES,
};

/** llama.cpp's `general.file_type` (enum llama_ftype) of an all-f32, mostly-q8_0 or mostly-q4_0 file. */
const FILE_TYPE: Readonly<Record<GgufDtype, number>> = { f32: 0, q4_0: 2, q8_0: 7 };

/** A GGUF build's model id in the manifest and the app's catalog: `wf-tiny-gguf-q4_0`. */
export function ggufModelId(baseId: string, dtype: GgufDtype): string {
  return `${baseId}-gguf-${dtype}`;
}

/** The file inside that model's folder: `wf-tiny.q4_0.gguf`. */
export function ggufFileName(baseId: string, dtype: GgufDtype): string {
  return `${baseId}.${dtype}.gguf`;
}

/** [rows, cols] row-major → [cols, rows] row-major. */
function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  }
  return out;
}

/**
 * Hugging Face's rotate-half layout → llama.cpp's interleaved pairs: within each head, row
 * half·(d/2) + j moves to 2j + half (llama.cpp's convert script: reshape(n_head, 2, d/2, in).swapaxes(1, 2)).
 */
export function permuteForRope(rowsOutIn: Float32Array, heads: number, headDim: number, inputs: number): Float32Array {
  const out = new Float32Array(rowsOutIn.length);
  const halfDim = headDim / 2;
  for (let h = 0; h < heads; h++) {
    for (let half = 0; half < 2; half++) {
      for (let j = 0; j < halfDim; j++) {
        const from = (h * headDim + half * halfDim + j) * inputs;
        const to = (h * headDim + 2 * j + half) * inputs;
        out.set(rowsOutIn.subarray(from, from + inputs), to);
      }
    }
  }
  return out;
}

/** Our tensor names → llama.cpp's. */
function ggufName(name: string): string {
  if (name === EMBEDDING) return 'token_embd.weight';
  if (name === LM_HEAD) return 'output.weight';
  if (name === FINAL_NORM) return 'output_norm.weight';
  const match = /^model\.layers\.(\d+)\.(.+)\.weight$/.exec(name);
  const parts: Record<string, string> = {
    input_layernorm: 'attn_norm',
    'self_attn.q_proj': 'attn_q',
    'self_attn.k_proj': 'attn_k',
    'self_attn.v_proj': 'attn_v',
    'self_attn.o_proj': 'attn_output',
    post_attention_layernorm: 'ffn_norm',
    'mlp.gate_proj': 'ffn_gate',
    'mlp.up_proj': 'ffn_up',
    'mlp.down_proj': 'ffn_down',
  };
  const part = match ? parts[match[2]!] : undefined;
  if (!match || !part) throw new Error(`no GGUF name for ${name}`);
  return `blk.${match[1]}.${part}.weight`;
}

/** A weight's values in ggml's [out][in] order (norms as they are). */
export function ggufValues(shape: LlamaShape, weight: WeightTensor, source: WeightSource): Float32Array {
  const values = materialize(source(weight), elementCount(weight.dims));
  if (weight.dims.length === 1) return values;
  const [inputs, outputs] = weight.dims as [number, number];
  const rows = transpose(values, inputs, outputs);
  if (weight.name.endsWith('self_attn.q_proj.weight')) return permuteForRope(rows, shape.heads, shape.headDim, inputs);
  if (weight.name.endsWith('self_attn.k_proj.weight')) return permuteForRope(rows, shape.kvHeads, shape.headDim, inputs);
  return rows;
}

export function ggufTensors(shape: LlamaShape, source: WeightSource, dtype: GgufDtype): GgufTensor[] {
  return llamaWeights(shape).map((weight) => {
    const tensorDtype = weight.dims.length === 1 ? 'f32' : dtype;
    return {
      name: ggufName(weight.name),
      // ggml order: the contiguous `in` first. An [in, out] ONNX weight is [in, out] in ggml terms too.
      dims: weight.dims.length === 1 ? [...weight.dims] : [weight.dims[0]!, weight.dims[1]!],
      dtype: tensorDtype,
      data: () => quantize(tensorDtype, ggufValues(shape, weight, source)),
    };
  });
}

/** The vocabulary in id order, with the same strings as tokenizer.json. */
export function ggufVocabulary(vocabSize: number): string[] {
  const vocab = (tokenizerJson(vocabSize) as { model: { vocab: Record<string, number> } }).model.vocab;
  const tokens: string[] = new Array(vocabSize);
  for (const [text, id] of Object.entries(vocab)) tokens[id] = text;
  return tokens;
}

/** llama.cpp's token types: 1 normal, 3 control. */
const NORMAL_TOKEN = 1;
const CONTROL_TOKEN = 3;

export function ggufMetadata(spec: ModelSpec, dtype: GgufDtype, producerVersion: string): Array<readonly [string, MetadataValue]> {
  const s = spec.shape;
  const tokens = ggufVocabulary(s.vocabSize);
  const u32 = (value: number) => ({ type: 'u32', value }) as const;
  const f32 = (value: number) => ({ type: 'f32', value }) as const;
  return [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: `${spec.id} (${dtype})` }],
    ['general.description', { type: 'string', value: `${spec.displayName}. Generated, not trained (wirthforge generate-models ${producerVersion}).` }],
    ['general.file_type', u32(FILE_TYPE[dtype])],
    ['general.quantization_version', u32(2)],
    ['general.alignment', u32(32)],
    ['llama.context_length', u32(spec.maxPositionEmbeddings)],
    ['llama.embedding_length', u32(s.hiddenSize)],
    ['llama.block_count', u32(s.layers)],
    ['llama.feed_forward_length', u32(s.intermediateSize)],
    ['llama.attention.head_count', u32(s.heads)],
    ['llama.attention.head_count_kv', u32(s.kvHeads)],
    ['llama.attention.key_length', u32(s.headDim)],
    ['llama.attention.value_length', u32(s.headDim)],
    ['llama.rope.dimension_count', u32(s.headDim)],
    ['llama.rope.freq_base', f32(s.ropeTheta)],
    ['llama.attention.layer_norm_rms_epsilon', f32(s.rmsNormEps)],
    ['llama.vocab_size', u32(s.vocabSize)],
    ['tokenizer.ggml.model', { type: 'string', value: 'gpt2' }],
    ['tokenizer.ggml.pre', { type: 'string', value: 'gpt-2' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: tokens }],
    ['tokenizer.ggml.token_type', { type: 'i32[]', value: tokens.map((_, id) => (id === END_OF_TEXT_ID ? CONTROL_TOKEN : NORMAL_TOKEN)) }],
    ['tokenizer.ggml.merges', { type: 'string[]', value: [] }],
    ['tokenizer.ggml.bos_token_id', u32(END_OF_TEXT_ID)],
    ['tokenizer.ggml.eos_token_id', u32(END_OF_TEXT_ID)],
    ['tokenizer.ggml.padding_token_id', u32(END_OF_TEXT_ID)],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: false }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
    ['tokenizer.chat_template', { type: 'string', value: GENERATED_CHAT_TEMPLATE }],
  ];
}

export function writeGgufModel(spec: ModelSpec, source: WeightSource, dtype: GgufDtype, dir: string, producerVersion: string): WrittenFile & { path: string } {
  const path = ggufFileName(spec.id, dtype);
  const written = writeGguf(join(dir, path), ggufMetadata(spec, dtype, producerVersion), ggufTensors(spec.shape, source, dtype));
  return { path, ...written };
}
