/**
 * A bundled model's shape for capacity arithmetic: the parameter count from the manifest, the shape
 * (layers, KV heads, head size, context, vocabulary) from the model's own config.json, the file
 * transformers.js reads too. Pure: the fetch lives in hardware.ts.
 */
import type { Dtype, ModelSpec } from '../tiers/index.ts';
import type { ManifestModel } from './manifest.ts';

export interface ModelShape {
  spec: ModelSpec;
  /** 0 when the config does not say. */
  vocabSize: number;
  hiddenSize: number;
  /** Query heads × head size: the width attention works at (the prefill estimate's attention term). */
  attentionWidth: number;
}

/** How the model's tokenizer cuts text: one token per UTF-8 byte, or subwords of several bytes. */
export type Tokenization = 'bytes' | 'subword';

/** The engine loads every bundled model with dtype 'fp32' (src/workers/transformers-engine.ts). */
export const ENGINE_DTYPE: Dtype = 'fp32';

/** Used when a config names no context length: what GPT-2-style configs default to. */
const DEFAULT_CONTEXT_TOKENS = 1024;

function positiveInt(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

/**
 * LLaMA-style (`num_hidden_layers`, `num_key_value_heads`, `head_dim`, `max_position_embeddings`) and
 * GPT-2-style (`n_layer`, `n_head`, `n_embd`, `n_positions`) configs. null when the config lacks the
 * layers or the head geometry: a guessed KV cache would be a wrong number shown as a fact.
 */
export function modelShapeFromConfig(model: Pick<ManifestModel, 'id' | 'parameters'>, config: unknown, dtype: Dtype = ENGINE_DTYPE): ModelShape | null {
  if (typeof config !== 'object' || config === null) return null;
  const c = config as Record<string, unknown>;
  const layers = positiveInt(c['num_hidden_layers']) ?? positiveInt(c['n_layer']);
  const heads = positiveInt(c['num_attention_heads']) ?? positiveInt(c['n_head']);
  const hidden = positiveInt(c['hidden_size']) ?? positiveInt(c['n_embd']);
  const kvHeads = positiveInt(c['num_key_value_heads']) ?? heads;
  const headDim = positiveInt(c['head_dim']) ?? (hidden !== null && heads !== null && hidden % heads === 0 ? hidden / heads : null);
  if (layers === null || kvHeads === null || headDim === null) return null;
  const contextTokens = positiveInt(c['max_position_embeddings']) ?? positiveInt(c['n_positions']) ?? DEFAULT_CONTEXT_TOKENS;
  return {
    spec: { name: model.id, params: model.parameters, dtype, layers, kvHeads, headDim, contextTokens },
    vocabSize: positiveInt(c['vocab_size']) ?? 0,
    hiddenSize: hidden ?? (heads ?? kvHeads) * headDim,
    attentionWidth: (heads ?? kvHeads) * headDim,
  };
}

/**
 * From a tokenizer.json (Hugging Face tokenizers format): a BPE without merges, or a vocabulary of
 * at most 256 bytes and a few specials, yields one token per byte; anything else is a subword
 * tokenizer. null when the file is not in that format.
 */
export function tokenizationFromTokenizerJson(json: unknown): Tokenization | null {
  if (typeof json !== 'object' || json === null) return null;
  const model = (json as Record<string, unknown>)['model'];
  if (typeof model !== 'object' || model === null) return null;
  const m = model as Record<string, unknown>;
  const vocab = m['vocab'];
  const vocabSize = Array.isArray(vocab) ? vocab.length : typeof vocab === 'object' && vocab !== null ? Object.keys(vocab).length : 0;
  if (vocabSize > 0 && vocabSize <= BYTE_VOCAB_MAX) return 'bytes';
  if (m['type'] === 'BPE' && Array.isArray(m['merges']) && m['merges'].length === 0) return 'bytes';
  return typeof m['type'] === 'string' || vocabSize > 0 ? 'subword' : null;
}

/** 256 byte tokens and a few special tokens. */
const BYTE_VOCAB_MAX = 300;
