/**
 * Whether the KV cache an engine kept from its last conversation request can serve the next one,
 * and for how many of its prompt tokens. The cache holds the keys and values of exactly the tokens
 * it was computed for, so it is valid for a new prompt only as far as the two token sequences agree
 * from the start: up to there the model would compute the very same values again.
 *
 * The common prefix is usually the whole earlier prompt plus part of the earlier answer (the answer
 * as generated and the answer as the template renders and re-tokenizes it need not be the same
 * tokens), so the cache is trimmed to it. At least one prompt token is always left to prefill: the
 * next token's logits come from the last prompt position.
 */
export interface CachedSequence {
  /** Which loaded model (and build) computed the cache. */
  modelKey: string;
  tokenIds: readonly number[];
}

export interface KvRequest {
  modelKey: string;
  tokenIds: readonly number[];
  /** Raw prompts (benchmarks, the bare prompt box) always start from nothing, so their timings stay comparable. */
  conversation: boolean;
}

export type KvDropReason = 'raw-prompt' | 'other-model' | 'no-common-prefix';

export type KvReusePlan =
  | { action: 'none' }
  | { action: 'drop'; reason: KvDropReason }
  /** `trimTo`: cut the cache to this many tokens first (it covers more than the prompt shares with it). */
  | { action: 'reuse'; tokens: number; trimTo: number | null };

export function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

export function planKvReuse(cached: CachedSequence | null, request: KvRequest): KvReusePlan {
  if (!cached) return { action: 'none' };
  if (!request.conversation) return { action: 'drop', reason: 'raw-prompt' };
  if (cached.modelKey !== request.modelKey) return { action: 'drop', reason: 'other-model' };
  const tokens = Math.min(commonPrefixLength(cached.tokenIds, request.tokenIds), request.tokenIds.length - 1);
  if (tokens < 1) return { action: 'drop', reason: 'no-common-prefix' };
  return { action: 'reuse', tokens, trimTo: tokens < cached.tokenIds.length ? tokens : null };
}
