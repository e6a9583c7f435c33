import { describe, expect, it } from 'vitest';
import { CONVERSATIONS_CAP, conversationsCapFromQuery, planConversationRetention, type ConversationKey } from './retention.ts';

const keys = (...pairs: [string, number][]): ConversationKey[] => pairs.map(([id, updatedAt]) => ({ id, updatedAt }));

describe('planConversationRetention', () => {
  it.each<[string, ConversationKey[], number, string | null, string[]]>([
    ['under the cap: nothing', keys(['a', 1], ['b', 2]), 3, null, []],
    ['at the cap: nothing', keys(['a', 1], ['b', 2], ['c', 3]), 3, null, []],
    ['one over: the least recently used', keys(['c', 3], ['a', 1], ['b', 2]), 2, null, ['a']],
    ['several over: oldest first', keys(['d', 4], ['c', 3], ['a', 1], ['b', 2]), 1, null, ['a', 'b', 'c']],
    ['same time: by id, the same on every run', keys(['y', 5], ['x', 5], ['z', 9]), 2, null, ['x']],
    ['the one just written is kept even when oldest', keys(['new', 0], ['a', 1], ['b', 2]), 2, 'new', ['a']],
    ['a cap below one keeps one', keys(['a', 1], ['b', 2]), 0, null, ['a']],
    ['a fractional cap is rounded down', keys(['a', 1], ['b', 2], ['c', 3]), 2.9, null, ['a']],
    ['empty', [], 5, null, []],
  ])('%s', (_, input, cap, keep, expected) => {
    expect(planConversationRetention(input, cap, keep)).toEqual(expected);
  });
});

describe('conversationsCapFromQuery', () => {
  it.each<[string, number]>([
    ['', CONVERSATIONS_CAP],
    ['?wf-max-conversations=3', 3],
    ['?wf-max-conversations=0', CONVERSATIONS_CAP],
    ['?wf-max-conversations=99999', CONVERSATIONS_CAP],
    ['?wf-max-conversations=2.5', CONVERSATIONS_CAP],
    ['?wf-max-conversations=-4', CONVERSATIONS_CAP],
  ])('%s → %d', (search, cap) => {
    expect(conversationsCapFromQuery(search)).toBe(cap);
  });
});
