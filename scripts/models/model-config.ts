/** The Hugging Face side files that tell transformers.js what the ONNX graph is. */
import type { ModelSpec } from './catalog.ts';
import { END_OF_TEXT_ID } from './tokenizer.ts';

export function configJson(spec: ModelSpec): object {
  const s = spec.shape;
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: s.hiddenSize,
    intermediate_size: s.intermediateSize,
    num_hidden_layers: s.layers,
    num_attention_heads: s.heads,
    num_key_value_heads: s.kvHeads,
    head_dim: s.headDim,
    vocab_size: s.vocabSize,
    max_position_embeddings: spec.maxPositionEmbeddings,
    hidden_act: 'silu',
    rms_norm_eps: s.rmsNormEps,
    rope_theta: s.ropeTheta,
    tie_word_embeddings: s.tieWordEmbeddings,
    bos_token_id: END_OF_TEXT_ID,
    eos_token_id: END_OF_TEXT_ID,
    pad_token_id: END_OF_TEXT_ID,
    torch_dtype: 'float32',
    // Without this transformers.js on wasm asks for onnx/model_quantized.onnx (its q8 default).
    'transformers.js_config': { dtype: 'fp32' },
  };
}

export function generationConfigJson(): object {
  return {
    bos_token_id: END_OF_TEXT_ID,
    eos_token_id: END_OF_TEXT_ID,
    pad_token_id: END_OF_TEXT_ID,
  };
}
