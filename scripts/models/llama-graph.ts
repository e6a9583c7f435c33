/**
 * A LLaMA decoder (RMSNorm, rotary embeddings, grouped-query attention with a KV cache, SwiGLU MLP) as
 * an ONNX graph with the inputs and outputs transformers.js expects of a `model_type: "llama"` export.
 *
 * Layout choices that differ from a PyTorch checkpoint, and why:
 * - Every projection is stored [in, out] so it feeds MatMul without a runtime Transpose.
 * - The embedding is stored [hidden, vocab]: token lookup is a Gather on axis 1 (cheap, one column
 *   per token) and, when embeddings are tied, the LM head is a plain MatMul with the same tensor. A
 *   [vocab, hidden] table would need a Transpose of the whole matrix on every step, or a second copy.
 */
import { BOOL, FLOAT, GraphBuilder, INT64 } from './graph-builder.ts';
import type { Graph, TensorData } from './onnx-file.ts';

export interface LlamaShape {
  hiddenSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediateSize: number;
  vocabSize: number;
  ropeTheta: number;
  rmsNormEps: number;
  tieWordEmbeddings: boolean;
}

export type WeightRole = 'embedding' | 'norm' | 'projection' | 'lm_head';

export interface WeightTensor {
  name: string;
  dims: readonly number[];
  role: WeightRole;
}

/** Supplies the contents of each learned tensor: constructed, seeded noise, or constant. */
export type WeightSource = (weight: WeightTensor) => TensorData;

export const EMBEDDING = 'model.embed_tokens.weight';
export const LM_HEAD = 'lm_head.weight';
export const FINAL_NORM = 'model.norm.weight';

export function layerWeightName(layer: number, part: string): string {
  return `model.layers.${layer}.${part}.weight`;
}

/** Every learned tensor in graph order; their element counts sum to the parameter count. */
export function llamaWeights(shape: LlamaShape): WeightTensor[] {
  const { hiddenSize: h, heads, kvHeads, headDim, intermediateSize: ff, vocabSize } = shape;
  const weights: WeightTensor[] = [{ name: EMBEDDING, dims: [h, vocabSize], role: 'embedding' }];
  for (let i = 0; i < shape.layers; i++) {
    const w = (part: string, dims: number[], role: WeightRole = 'projection'): void => {
      weights.push({ name: layerWeightName(i, part), dims, role });
    };
    w('input_layernorm', [h], 'norm');
    w('self_attn.q_proj', [h, heads * headDim]);
    w('self_attn.k_proj', [h, kvHeads * headDim]);
    w('self_attn.v_proj', [h, kvHeads * headDim]);
    w('self_attn.o_proj', [heads * headDim, h]);
    w('post_attention_layernorm', [h], 'norm');
    w('mlp.gate_proj', [h, ff]);
    w('mlp.up_proj', [h, ff]);
    w('mlp.down_proj', [ff, h]);
  }
  weights.push({ name: FINAL_NORM, dims: [h], role: 'norm' });
  if (!shape.tieWordEmbeddings) weights.push({ name: LM_HEAD, dims: [h, vocabSize], role: 'lm_head' });
  return weights;
}

export function parameterCount(shape: LlamaShape): number {
  return llamaWeights(shape).reduce((sum, w) => sum + w.dims.reduce((a, b) => a * b, 1), 0);
}

/** Most negative finite float32: masked scores stay finite, so a fully masked row cannot become NaN. */
const MASKED = -3.4028234663852886e38;
const INT64_MAX = Number.MAX_SAFE_INTEGER;

export function buildLlamaGraph(shape: LlamaShape, source: WeightSource): Graph {
  const { heads, kvHeads, headDim, vocabSize } = shape;
  if (heads % kvHeads !== 0) throw new Error('heads must be a multiple of kvHeads');
  if (headDim % 2 !== 0) throw new Error('rotary embeddings need an even head_dim');
  const g = new GraphBuilder();
  const weight = new Map(llamaWeights(shape).map((w) => [w.name, w]));
  const w = (name: string): string => {
    const tensor = weight.get(name);
    if (tensor === undefined) throw new Error(`unknown weight ${name}`);
    return g.initializer(name, tensor.dims, source(tensor));
  };

  const inputIds = g.input('input_ids', INT64, ['batch_size', 'sequence_length']);
  const attentionMask = g.input('attention_mask', INT64, ['batch_size', 'total_sequence_length']);
  const positionIds = g.input('position_ids', INT64, ['batch_size', 'sequence_length']);
  const past = Array.from({ length: shape.layers }, (_, i) => ({
    key: g.input(`past_key_values.${i}.key`, FLOAT, ['batch_size', kvHeads, 'past_sequence_length', headDim]),
    value: g.input(`past_key_values.${i}.value`, FLOAT, ['batch_size', kvHeads, 'past_sequence_length', headDim]),
  }));
  // transformers.js passes 1 while generating, so prefill computes logits for the last position only
  // instead of a [sequence, vocab] matrix it would throw away (0 keeps all, for scoring).
  const logitsToKeep = g.input('num_logits_to_keep', INT64, []);

  g.output('logits', FLOAT, ['batch_size', 'logits_length', vocabSize]);
  for (let i = 0; i < shape.layers; i++) {
    g.output(`present.${i}.key`, FLOAT, ['batch_size', kvHeads, 'total_sequence_length', headDim]);
    g.output(`present.${i}.value`, FLOAT, ['batch_size', kvHeads, 'total_sequence_length', headDim]);
  }

  const rmsNorm = (x: string, gain: string): string => {
    // Pow(x, 2) rather than Mul(x, x): ORT fuses exactly this chain into SimplifiedLayerNormalization.
    const meanSquare = g.op('ReduceMean', [g.op('Pow', [x, g.float([2], [])])], { axes: [-1], keepdims: 1 });
    const rms = g.op('Sqrt', [g.op('Add', [meanSquare, g.float([shape.rmsNormEps], [])])]);
    return g.op('Mul', [g.op('Div', [x, rms]), w(gain)]);
  };

  // Token lookup: [hidden, vocab] gathered on axis 1 gives [hidden, batch, seq].
  let hidden = g.op('Transpose', [g.op('Gather', [w(EMBEDDING), inputIds], { axis: 1 })], { perm: [1, 2, 0] });

  // Rotary tables from position_ids, shared by all layers: cos/sin of [batch, 1, seq, head_dim].
  const invFreq = Array.from({ length: headDim / 2 }, (_, i) => 1 / shape.ropeTheta ** ((2 * i) / headDim));
  const positions = g.op('Unsqueeze', [g.op('Cast', [positionIds], { to: FLOAT }), g.int64([-1])]);
  const freqs = g.op('Mul', [positions, g.float(invFreq)]);
  const angles = g.op('Concat', [freqs, freqs], { axis: -1 });
  const cos = g.op('Unsqueeze', [g.op('Cos', [angles]), g.int64([1])]);
  const sin = g.op('Unsqueeze', [g.op('Sin', [angles]), g.int64([1])]);
  const rotate = (x: string): string => {
    const [x1, x2] = g.opN('Split', [x], 2, { axis: -1 }) as [string, string];
    const rotated = g.op('Concat', [g.op('Neg', [x2]), x1], { axis: -1 });
    return g.op('Add', [g.op('Mul', [x, cos]), g.op('Mul', [rotated, sin])]);
  };

  // Additive attention bias [batch, 1, seq, total]: 0 where a query may see a key (causal and not
  // padding), MASKED elsewhere. Query i sits at absolute position past + i.
  const total = g.op('Shape', [attentionMask], { start: 1, end: 2 });
  const seq = g.op('Shape', [inputIds], { start: 1, end: 2 });
  const scalar = (t: string): string => g.op('Squeeze', [t, g.int64([0])]);
  const one = g.int64([1], []);
  const queryPos = g.op('Range', [scalar(g.op('Sub', [total, seq])), scalar(total), one]);
  const keyPos = g.op('Range', [g.int64([0], []), scalar(total), one]);
  const causal = g.op('LessOrEqual', [
    g.op('Unsqueeze', [keyPos, g.int64([0])]),
    g.op('Unsqueeze', [queryPos, g.int64([1])]),
  ]);
  const notPadding = g.op('Cast', [g.op('Unsqueeze', [attentionMask, g.int64([1, 2])])], { to: BOOL });
  const bias = g.op('Where', [g.op('And', [causal, notPadding]), g.float([0], []), g.float([MASKED], [])]);

  const groups = heads / kvHeads;
  const splitHeads = (x: string, n: number): string =>
    g.op('Transpose', [g.op('Reshape', [x, g.int64([0, 0, n, headDim])])], { perm: [0, 2, 1, 3] });
  // [batch, kv, total, d] -> [batch, heads, total, d]: each KV head serves `groups` query heads.
  const repeatKv = (x: string): string =>
    groups === 1
      ? x
      : g.op('Reshape', [
          g.op('Expand', [g.op('Unsqueeze', [x, g.int64([2])]), g.int64([1, 1, groups, 1, 1])]),
          g.int64([0, heads, -1, headDim]),
        ]);

  for (let i = 0; i < shape.layers; i++) {
    const lw = (part: string): string => w(layerWeightName(i, part));
    const x = rmsNorm(hidden, layerWeightName(i, 'input_layernorm'));
    const q = rotate(splitHeads(g.op('MatMul', [x, lw('self_attn.q_proj')]), heads));
    const k = rotate(splitHeads(g.op('MatMul', [x, lw('self_attn.k_proj')]), kvHeads));
    const v = splitHeads(g.op('MatMul', [x, lw('self_attn.v_proj')]), kvHeads);
    const keys = g.op('Concat', [past[i]!.key, k], { axis: 2 }, `present.${i}.key`);
    const values = g.op('Concat', [past[i]!.value, v], { axis: 2 }, `present.${i}.value`);

    const scaledQ = g.op('Mul', [q, g.float([1 / Math.sqrt(headDim)], [])]);
    const keysT = g.op('Transpose', [repeatKv(keys)], { perm: [0, 1, 3, 2] });
    const scores = g.op('Add', [g.op('MatMul', [scaledQ, keysT]), bias]);
    const context = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), repeatKv(values)]);
    const merged = g.op('Reshape', [
      g.op('Transpose', [context], { perm: [0, 2, 1, 3] }),
      g.int64([0, 0, heads * headDim]),
    ]);
    hidden = g.op('Add', [hidden, g.op('MatMul', [merged, lw('self_attn.o_proj')])]);

    const y = rmsNorm(hidden, layerWeightName(i, 'post_attention_layernorm'));
    const gate = g.op('MatMul', [y, lw('mlp.gate_proj')]);
    const up = g.op('MatMul', [y, lw('mlp.up_proj')]);
    const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
    hidden = g.op('Add', [hidden, g.op('MatMul', [act, lw('mlp.down_proj')])]);
  }

  // Keep the last `num_logits_to_keep` positions; 0 becomes start 0, i.e. all of them.
  const start = g.op('Unsqueeze', [g.op('Neg', [logitsToKeep]), g.int64([0])]);
  const kept = g.op('Slice', [hidden, start, g.int64([INT64_MAX]), g.int64([1])]);
  const normed = rmsNorm(kept, FINAL_NORM);
  const head = shape.tieWordEmbeddings ? EMBEDDING : w(LM_HEAD);
  g.op('MatMul', [normed, head], {}, 'logits');
  return g.build('llama_decoder');
}
