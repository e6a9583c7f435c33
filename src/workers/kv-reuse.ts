/**
 * Whether the KV cache an engine kept from its last conversation request can serve the next one,
 * and for how many of its prompt tokens. The cache holds the keys and values of exactly the tokens
 * it was computed for, so it is valid for a new prompt only as far as the two token sequences agree
 * from the start: up to there the model would compute the very same values again.
 *
 * A conversation's next prompt is usually built by `planPromptSplice` below from the kept tokens
 * themselves, so it shares all of them. Where it is tokenized afresh instead, the common prefix may end
 * inside the earlier answer (the answer as generated and the answer as the template renders and
 * re-tokenizes it need not be the same tokens), or at an edited turn, and the cache is trimmed to it.
 * At least one prompt token is always left to prefill: the next token's logits come from the last
 * prompt position.
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

/**
 * The tokens a conversation's last request left behind: those its cache holds and those generated
 * after the cache's last position (an answer's last token is sampled, never fed back).
 */
export interface KeptTokens extends CachedSequence {
  pending: readonly number[];
}

export interface PromptText {
  modelKey: string;
  conversation: boolean;
  /** The prompt as the chat template renders it. */
  text: string;
}

/** The tokenizer as the splice needs it: `encode` adds no special tokens (no BOS), `decode` keeps them. */
export interface TokenCodec {
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
}

export type SpliceMiss = 'nothing-kept' | 'raw-prompt' | 'other-model' | 'text-differs' | 'nothing-left' | 'no-round-trip';

export type PromptSplice = { action: 'splice'; tokenIds: number[] } | { action: 'tokenize'; reason: SpliceMiss };

/**
 * Whether the next conversation prompt is the kept tokens followed by the tokens of the text that
 * comes after theirs, instead of the whole rendered text tokenized afresh. An answer rendered as text
 * and tokenized again need not give the tokens the model generated (a word it wrote as one token may
 * come back as several), and the cache was computed for the generated ones; keeping them as they were
 * (as web-llm and llama.cpp do) lets the cache serve the whole earlier conversation, so only the new
 * text is prefilled. The model then reads its own answer in its own tokens, which it produced from
 * exactly that context, rather than a spelling it never saw.
 *
 * The kept tokens with their pending ones are tried first, then the cached ones alone (a final end of
 * text is generated but not part of the rendered answer). A splice needs the decoded kept tokens to be
 * an exact prefix of the rendered text, some text left after them, and the spliced ids to decode to the
 * rendered text exactly: that catches tokenizers that change text at a seam, such as a SentencePiece
 * pre-tokenizer putting a word-start marker (a space) before the remainder, or decoding that cleans up
 * spaces or loses bytes.
 */
export function planPromptSplice(kept: KeptTokens | null, request: PromptText, codec: TokenCodec): PromptSplice {
  if (!kept) return { action: 'tokenize', reason: 'nothing-kept' };
  if (!request.conversation) return { action: 'tokenize', reason: 'raw-prompt' };
  if (kept.modelKey !== request.modelKey) return { action: 'tokenize', reason: 'other-model' };
  const candidates = kept.pending.length > 0 ? [[...kept.tokenIds, ...kept.pending], kept.tokenIds] : [kept.tokenIds];
  let reason: SpliceMiss = 'text-differs';
  for (const ids of candidates) {
    const keptText = codec.decode(ids);
    if (!request.text.startsWith(keptText)) continue;
    const restText = request.text.slice(keptText.length);
    const rest = restText ? codec.encode(restText) : [];
    if (rest.length === 0) {
      reason = 'nothing-left';
      continue;
    }
    const tokenIds = [...ids, ...rest];
    if (codec.decode(tokenIds) !== request.text) {
      reason = 'no-round-trip';
      continue;
    }
    return { action: 'splice', tokenIds };
  }
  return { action: 'tokenize', reason };
}
