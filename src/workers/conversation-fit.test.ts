import { describe, expect, it } from 'vitest';
import { fitConversation, withoutOldestTurn } from './conversation-fit.ts';
import type { ChatMessage } from '../models/chat.ts';

const sys = (content: string): ChatMessage => ({ role: 'system', content });
const user = (content: string): ChatMessage => ({ role: 'user', content });
const bot = (content: string): ChatMessage => ({ role: 'assistant', content });
/** One token per character plus one per message for the format: easy to reckon in the table. */
const count = (messages: readonly ChatMessage[]): number => messages.reduce((n, m) => n + m.content.length + 1, 0);

// system 5 + turn 1 (4 + 4) + turn 2 (4 + 4) + latest 4 = 25 tokens
const conversation = [sys('ssss'), user('aaa'), bot('bbb'), user('ccc'), bot('ddd'), user('eee')];

describe('fitConversation', () => {
  it.each<[string, readonly ChatMessage[], number, number | undefined, { messages: string[]; dropped: number; prompt: number; maxNew: number; limited: boolean }]>([
    ['everything fits', conversation, 5, 30, { messages: ['ssss', 'aaa', 'bbb', 'ccc', 'ddd', 'eee'], dropped: 0, prompt: 25, maxNew: 5, limited: false }],
    ['no known context: everything', conversation, 1000, undefined, { messages: ['ssss', 'aaa', 'bbb', 'ccc', 'ddd', 'eee'], dropped: 0, prompt: 25, maxNew: 1000, limited: false }],
    ['the oldest pair goes first, the system prompt stays', conversation, 5, 29, { messages: ['ssss', 'ccc', 'ddd', 'eee'], dropped: 2, prompt: 17, maxNew: 5, limited: false }],
    ['both pairs go', conversation, 5, 16, { messages: ['ssss', 'eee'], dropped: 4, prompt: 9, maxNew: 5, limited: false }],
    ['whole pairs only: never an answer without its question', conversation, 5, 21, { messages: ['ssss', 'eee'], dropped: 4, prompt: 9, maxNew: 5, limited: false }],
    ['the output is cut when even the shortest prompt leaves too little room', conversation, 50, 12, { messages: ['ssss', 'eee'], dropped: 4, prompt: 9, maxNew: 3, limited: true }],
    ['no system prompt', [user('aaa'), bot('bbb'), user('ccc')], 4, 9, { messages: ['ccc'], dropped: 2, prompt: 4, maxNew: 4, limited: false }],
    ['a leading assistant greeting is a turn of its own', [bot('hi'), user('aaa'), bot('bbb'), user('ccc')], 2, 14, { messages: ['aaa', 'bbb', 'ccc'], dropped: 1, prompt: 12, maxNew: 2, limited: false }],
    ['an unanswered user message is dropped with its turn', [user('aaa'), user('bbb'), bot('x'), user('ccc')], 2, 12, { messages: ['bbb', 'x', 'ccc'], dropped: 1, prompt: 10, maxNew: 2, limited: false }],
  ])('%s', (_name, messages, maxNewTokens, contextLength, expected) => {
    const fit = fitConversation({ modelId: 'm', messages, maxNewTokens, contextLength, countTokens: count });
    expect(fit).toEqual({
      ok: true,
      messages: messages.filter((m) => expected.messages.includes(m.content)),
      droppedMessages: expected.dropped,
      promptTokens: expected.prompt,
      maxNewTokens: expected.maxNew,
      limitedByContext: expected.limited,
    });
  });

  it.each<[string, readonly ChatMessage[], number, RegExp]>([
    ['a latest message longer than the context', [user('aaa'), bot('bbb'), user('x'.repeat(20))], 10, /needs 21 tokens, and m reads at most 10 tokens/],
    ['one that fills it exactly', [user('x'.repeat(9))], 10, /needs 10 tokens, and m reads at most 10 tokens in all.*fewer than 10 tokens/],
    ['the system prompt counted and said', [sys('s'.repeat(6)), user('x'.repeat(5))], 10, /needs 13 tokens \(6 of them the message itself/],
  ])('refuses %s with the numbers', (_name, messages, contextLength, message) => {
    const fit = fitConversation({ modelId: 'm', messages, maxNewTokens: 4, contextLength, countTokens: count });
    expect(fit.ok).toBe(false);
    if (fit.ok) return;
    expect(fit.code).toBe('prompt-too-long');
    expect(fit.message).toMatch(message);
  });

  it.each<[string, readonly ChatMessage[]]>([
    ['an empty conversation', []],
    ['one that ends with the assistant', [user('a'), bot('b')]],
  ])('refuses %s as malformed', (_name, messages) => {
    const fit = fitConversation({ modelId: 'm', messages, maxNewTokens: 4, contextLength: 100, countTokens: count });
    expect(fit).toMatchObject({ ok: false, code: 'generation-failed' });
  });

  it('counts the whole conversation once when it fits', () => {
    let calls = 0;
    fitConversation({ modelId: 'm', messages: conversation, maxNewTokens: 1, contextLength: 100, countTokens: (m) => (calls++, count(m)) });
    expect(calls).toBe(1);
  });
});

describe('withoutOldestTurn', () => {
  it.each<[string, ChatMessage[], string[] | null]>([
    ['the oldest pair after the system prompt', conversation, ['ssss', 'ccc', 'ddd', 'eee']],
    ['then the next', [sys('ssss'), user('ccc'), bot('ddd'), user('eee')], ['ssss', 'eee']],
    ['nothing left to drop', [sys('ssss'), user('eee')], null],
    ['a lone message', [user('eee')], null],
    ['an empty conversation', [], null],
  ])('%s', (_name, messages, expected) => {
    expect(withoutOldestTurn(messages)?.map((m) => m.content) ?? null).toEqual(expected);
  });
});
