import { describe, expect, it } from 'vitest';
import {
  commonPrefixLength,
  planKvReuse,
  planPromptSplice,
  type CachedSequence,
  type KeptTokens,
  type KvReusePlan,
  type PromptSplice,
  type TokenCodec,
} from './kv-reuse.ts';

const cache = (tokenIds: number[], modelKey = 'm/fp32'): CachedSequence => ({ modelKey, tokenIds });

describe('planKvReuse', () => {
  it.each<[string, CachedSequence | null, number[], boolean, string, KvReusePlan]>([
    ['nothing cached', null, [1, 2, 3], true, 'm/fp32', { action: 'none' }],
    ['the next turn extends the cache exactly', cache([1, 2, 3, 4]), [1, 2, 3, 4, 5, 6], true, 'm/fp32', { action: 'reuse', tokens: 4, trimTo: null }],
    ['the answer re-tokenized differently: trimmed to the shared part', cache([1, 2, 3, 90, 91]), [1, 2, 3, 9, 10, 11, 12], true, 'm/fp32', { action: 'reuse', tokens: 3, trimTo: 3 }],
    ['an edited earlier turn keeps what precedes the edit', cache([1, 2, 3, 4, 5]), [1, 2, 7, 4, 5, 6], true, 'm/fp32', { action: 'reuse', tokens: 2, trimTo: 2 }],
    ['the same prompt again: the last token is prefilled anew', cache([1, 2, 3]), [1, 2, 3], true, 'm/fp32', { action: 'reuse', tokens: 2, trimTo: 2 }],
    ['a prompt inside the cache', cache([1, 2, 3, 4, 5]), [1, 2, 3], true, 'm/fp32', { action: 'reuse', tokens: 2, trimTo: 2 }],
    ['nothing in common (turns dropped for the context, no system prompt)', cache([1, 2, 3]), [4, 5, 6], true, 'm/fp32', { action: 'drop', reason: 'no-common-prefix' }],
    ['a one-token prompt cannot reuse anything', cache([1, 2, 3]), [1], true, 'm/fp32', { action: 'drop', reason: 'no-common-prefix' }],
    ['another model (or build)', cache([1, 2, 3]), [1, 2, 3, 4], true, 'm/q8', { action: 'drop', reason: 'other-model' }],
    ['a raw prompt', cache([1, 2, 3]), [1, 2, 3, 4], false, 'm/fp32', { action: 'drop', reason: 'raw-prompt' }],
  ])('%s', (_name, cached, tokenIds, conversation, modelKey, expected) => {
    expect(planKvReuse(cached, { modelKey, tokenIds, conversation })).toEqual(expected);
  });
});

describe('commonPrefixLength', () => {
  it.each<[number[], number[], number]>([
    [[], [], 0],
    [[1], [], 0],
    [[1, 2], [1, 2], 2],
    [[1, 2, 3], [1, 2], 2],
    [[1, 2], [2, 1], 0],
  ])('%j and %j share %i', (a, b, n) => {
    expect(commonPrefixLength(a, b)).toBe(n);
  });
});

/**
 * Byte-like codecs: text encodes one token per character, and a few ids stand for what only a model
 * generates (a whole word, an end of text, half of a UTF-8 character).
 */
const WORDS: Record<number, string> = { 1000: ' bada', 1001: ' kilo', 1002: '\uFFFD', 256: '<|endoftext|>' };
const chars = (text: string): number[] => [...text].map((c) => c.codePointAt(0)!);
const bytes: TokenCodec = {
  encode: chars,
  decode: (ids) => ids.map((id) => WORDS[id] ?? String.fromCodePoint(id)).join(''),
};
/** SentencePiece-like: every encoded text starts with a word-start marker (a space), and only the sequence's first is dropped on decode. */
const sentencePiece: TokenCodec = {
  encode: (text) => chars(' ' + text),
  decode: (ids) => bytes.decode(ids).replace(/^ /, ''),
};

const prompt = chars('Hi');
const kept = (pending: number[], modelKey = 'm/fp32', tokenIds = [...prompt, 1000]): KeptTokens => ({ modelKey, tokenIds, pending });

describe('planPromptSplice', () => {
  it.each<[string, KeptTokens | null, string, boolean, string, TokenCodec, PromptSplice]>([
    ['nothing kept', null, 'Hi bada kilo\nGo', true, 'm/fp32', bytes, { action: 'tokenize', reason: 'nothing-kept' }],
    [
      'the text extends the answer exactly: its tokens stay as generated, the rest is tokenized',
      kept([1001]),
      'Hi bada kilo\nGo',
      true,
      'm/fp32',
      bytes,
      { action: 'splice', tokenIds: [...prompt, 1000, 1001, ...chars('\nGo')] },
    ],
    [
      'an answer ended by end of text (not in the rendered answer): the cached tokens alone',
      kept([256]),
      'Hi bada\nGo',
      true,
      'm/fp32',
      bytes,
      { action: 'splice', tokenIds: [...prompt, 1000, ...chars('\nGo')] },
    ],
    ['the text differs (an answer cut or changed)', kept([1001]), 'Hi bado kilo\nGo', true, 'm/fp32', bytes, { action: 'tokenize', reason: 'text-differs' }],
    ['an edited earlier turn', kept([1001]), 'Hey bada kilo\nGo', true, 'm/fp32', bytes, { action: 'tokenize', reason: 'text-differs' }],
    ['another model (or build)', kept([1001]), 'Hi bada kilo\nGo', true, 'm/q8', bytes, { action: 'tokenize', reason: 'other-model' }],
    ['a raw prompt', kept([1001]), 'Hi bada kilo\nGo', false, 'm/fp32', bytes, { action: 'tokenize', reason: 'raw-prompt' }],
    ['no text after the kept tokens: nothing to prefill', kept([]), 'Hi bada', true, 'm/fp32', bytes, { action: 'tokenize', reason: 'nothing-left' }],
    [
      'kept tokens that decode to a replacement character (half a UTF-8 character), not the text',
      kept([], 'm/fp32', [...prompt, 1002]),
      'Hié\nGo',
      true,
      'm/fp32',
      bytes,
      { action: 'tokenize', reason: 'text-differs' },
    ],
    ['a tokenizer that puts a word-start marker before the rest: the seam does not round-trip', kept([]), 'Hi bada\nGo', true, 'm/fp32', sentencePiece, { action: 'tokenize', reason: 'no-round-trip' }],
  ])('%s', (_name, keptTokens, text, conversation, modelKey, codec, expected) => {
    expect(planPromptSplice(keptTokens, { modelKey, conversation, text }, codec)).toEqual(expected);
  });

  it('gives a prompt whose cache plan reuses every cached token, trimming nothing', () => {
    const splice = planPromptSplice(kept([1001]), { modelKey: 'm/fp32', conversation: true, text: 'Hi bada kilo\nGo' }, bytes);
    if (splice.action !== 'splice') throw new Error(splice.reason);
    expect(planKvReuse(kept([1001]), { modelKey: 'm/fp32', tokenIds: splice.tokenIds, conversation: true })).toEqual({ action: 'reuse', tokens: 3, trimTo: null });
  });
});
