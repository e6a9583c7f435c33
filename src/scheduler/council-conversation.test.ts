import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../models/chat.ts';
import { NO_HISTORIES, keepMembers, turnMessages, withAnswer, type CouncilHistories } from './council-conversation.ts';
import type { JobStatus } from './protocol.ts';

const user = (content: string): ChatMessage => ({ role: 'user', content });
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });
const histories = (entries: Record<string, ChatMessage[]>): CouncilHistories => new Map(Object.entries(entries));

describe('turnMessages: what each member of a turn is sent', () => {
  const limits = { messagesPerMember: 5, charsPerMember: 20 };
  it.each([
    ['a first turn: the prompt alone', NO_HISTORIES, ['A'], 'hi', { A: [user('hi')] }],
    ['each member its own history, then the shared prompt', histories({ A: [user('q'), assistant('a1')], B: [user('q'), assistant('b1')] }), ['A', 'B'], 'next', {
      A: [user('q'), assistant('a1'), user('next')],
      B: [user('q'), assistant('b1'), user('next')],
    }],
    ['a member new to the conversation starts with the prompt', histories({ A: [user('q'), assistant('a1')] }), ['A', 'C'], 'next', { A: [user('q'), assistant('a1'), user('next')], C: [user('next')] }],
    ['a member not in the turn is not sent', histories({ A: [user('q'), assistant('a1')], B: [user('q'), assistant('b1')] }), ['B'], 'n', { B: [user('q'), assistant('b1'), user('n')] }],
    ['exactly the message bound: nothing dropped', histories({ A: [user('1'), assistant('2'), user('3'), assistant('4')] }), ['A'], '5', {
      A: [user('1'), assistant('2'), user('3'), assistant('4'), user('5')],
    }],
    ['one exchange past the message bound: the oldest exchange goes', histories({ A: [user('1'), assistant('2'), user('3'), assistant('4'), user('5'), assistant('6')] }), ['A'], '7', {
      A: [user('3'), assistant('4'), user('5'), assistant('6'), user('7')],
    }],
    ['past the size bound: oldest exchanges go until it fits', histories({ A: [user('aaaaaaaa'), assistant('bbbbbbbb'), user('cc'), assistant('dd')] }), ['A'], 'eeee', {
      A: [user('cc'), assistant('dd'), user('eeee')],
    }],
    ['a prompt past the bound on its own keeps nothing else (the scheduler says why it refuses)', histories({ A: [user('a'), assistant('b')] }), ['A'], 'x'.repeat(21), {
      A: [user('x'.repeat(21))],
    }],
  ] as const)('%s', (_name, h, ids, prompt, expected) => {
    expect(turnMessages(h, ids, prompt, limits)).toEqual(expected);
  });
});

describe('withAnswer: a history grows by completed answers only', () => {
  const before = histories({ A: [user('q'), assistant('a1')] });
  it.each([
    ['done: the prompt and the answer are added', 'A', 'done', 'a2', [user('q'), assistant('a1'), user('next'), assistant('a2')]],
    ['done with an empty answer: still an exchange', 'A', 'done', '', [user('q'), assistant('a1'), user('next'), assistant('')]],
    ['failed: left as it was', 'A', 'failed', 'a2 cut sh', [user('q'), assistant('a1')]],
    ['stopped: left as it was', 'A', 'cancelled', 'a2 cu', [user('q'), assistant('a1')]],
    ['a member with no history yet starts one', 'B', 'done', 'b1', [user('next'), assistant('b1')]],
    ['a member with no history that failed has none', 'B', 'failed', '', undefined],
  ] as const)('%s', (_name, memberId, status, text, expected) => {
    const after = withAnswer(before, memberId, 'next', { status: status as JobStatus, text });
    expect(after.get(memberId)).toEqual(expected);
    expect(after.get('A')).toEqual(memberId === 'A' ? expected : [user('q'), assistant('a1')]);
    expect(before.get('A')).toEqual([user('q'), assistant('a1')]);
  });
});

describe('keepMembers: who keeps a history', () => {
  const h = histories({ A: [user('q'), assistant('a')], B: [user('q'), assistant('b')] });
  it.each([
    ['every member stays', ['A', 'B'], ['A', 'B']],
    ['a member left: its history goes', ['A'], ['A']],
    ['a member joined: it has none until it answers', ['A', 'B', 'C'], ['A', 'B']],
    ['the council emptied', [], []],
  ] as const)('%s', (_name, ids, kept) => {
    expect([...keepMembers(h, ids).keys()]).toEqual(kept);
  });

  it('returns the same histories when nothing changes (no needless signal update)', () => {
    expect(keepMembers(h, ['B', 'A', 'Z'])).toBe(h);
  });
});
