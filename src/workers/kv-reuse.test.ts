import { describe, expect, it } from 'vitest';
import { commonPrefixLength, planKvReuse, type CachedSequence, type KvReusePlan } from './kv-reuse.ts';

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
