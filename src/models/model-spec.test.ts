import { describe, expect, it } from 'vitest';
import { modelFootprint } from '../tiers/index.ts';
import { modelShapeFromConfig, tokenizationFromTokenizerJson } from './model-spec.ts';

/** public/models/wf-stories15m/config.json as the generator writes it. */
const stories15mConfig = {
  model_type: 'llama',
  hidden_size: 288,
  num_hidden_layers: 6,
  num_attention_heads: 6,
  num_key_value_heads: 6,
  head_dim: 48,
  vocab_size: 32000,
  max_position_embeddings: 256,
};

describe('modelShapeFromConfig', () => {
  it('reads a LLaMA config; the engine loads fp32', () => {
    const shape = modelShapeFromConfig({ id: 'wf-stories15m', parameters: 15_191_712 }, stories15mConfig);
    expect(shape).toEqual({
      spec: { name: 'wf-stories15m', params: 15_191_712, dtype: 'fp32', layers: 6, kvHeads: 6, headDim: 48, contextTokens: 256 },
      vocabSize: 32000,
      hiddenSize: 288,
      attentionWidth: 288,
    });
    // 60.8 MB of weights + 3.5 MB of fp32 KV cache (6 × 2 × 6 × 48 × 256 × 4) + 106.1 MB overhead.
    const footprint = modelFootprint(shape!.spec);
    expect(footprint.kvCacheBytes).toBe(6 * 2 * 6 * 48 * 256 * 4);
    expect(Math.round(footprint.totalBytes / 1e6)).toBe(170);
  });

  it('takes grouped-query KV heads and derives the head size when it is not given', () => {
    const shape = modelShapeFromConfig(
      { id: 'smol', parameters: 135e6 },
      { hidden_size: 576, num_hidden_layers: 30, num_attention_heads: 9, num_key_value_heads: 3, vocab_size: 49152, max_position_embeddings: 2048 },
    );
    expect(shape?.spec).toMatchObject({ layers: 30, kvHeads: 3, headDim: 64, contextTokens: 2048 });
    expect(shape?.attentionWidth).toBe(576);
  });

  it('reads a GPT-2 config', () => {
    const shape = modelShapeFromConfig({ id: 'gpt2', parameters: 124e6 }, { model_type: 'gpt2', n_layer: 12, n_head: 12, n_embd: 768, n_positions: 1024, vocab_size: 50257 });
    expect(shape?.spec).toMatchObject({ layers: 12, kvHeads: 12, headDim: 64, contextTokens: 1024 });
  });

  it.each([
    ['not an object', 'config'],
    ['no layers', { hidden_size: 64, num_attention_heads: 2 }],
    ['no head geometry', { num_hidden_layers: 2 }],
    ['a hidden size the heads do not divide', { num_hidden_layers: 2, hidden_size: 10, num_attention_heads: 3 }],
  ])('gives null rather than a guessed KV cache: %s', (_, config) => {
    expect(modelShapeFromConfig({ id: 'x', parameters: 1 }, config)).toBeNull();
  });
});

describe('tokenizationFromTokenizerJson', () => {
  const bytes = Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`t${i}`, i]));
  it.each([
    ['a 257-entry byte vocabulary (wf-tiny)', { model: { type: 'BPE', vocab: bytes, merges: [] } }, 'bytes'],
    ['a 32000-entry BPE without merges (wf-stories15m)', { model: { type: 'BPE', vocab: { ...bytes, ...Object.fromEntries(Array.from({ length: 31743 }, (_, i) => [`x${i}`, 257 + i])) }, merges: [] } }, 'bytes'],
    ['a BPE with merges', { model: { type: 'BPE', vocab: { ...bytes, ab: 300, xy: 301, 'a b': 302, q: 303, r: 304, ...Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`y${i}`, 400 + i])) }, merges: ['a b'] } }, 'subword'],
    ['a SentencePiece unigram', { model: { type: 'Unigram', vocab: Array.from({ length: 1000 }, (_, i) => [`p${i}`, -i]) } }, 'subword'],
    ['not a tokenizer', { hello: 1 }, null],
    ['nothing', null, null],
  ])('%s', (_, json, expected) => {
    expect(tokenizationFromTokenizerJson(json)).toBe(expected);
  });
});
