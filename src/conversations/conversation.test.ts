import { describe, expect, it } from 'vitest';
import {
  droppedNotice,
  isIncomplete,
  messagesFor,
  newConversation,
  newestFirst,
  planEdit,
  planNewTurn,
  planRegenerate,
  renamed,
  titleFrom,
  withAnswer,
  withRunId,
  withSystemPrompt,
  type PlanOutcome,
  type TurnFinish,
} from './conversation.ts';
import type { ChatMessage } from '../models/chat.ts';
import { sampleConversation, sampleTurn } from './fixtures.ts';

const u = (content: string): ChatMessage => ({ role: 'user', content });
const a = (content: string): ChatMessage => ({ role: 'assistant', content });
const sys = (content: string): ChatMessage => ({ role: 'system', content });

function planOf(outcome: PlanOutcome) {
  if (!outcome.ok) throw new Error(outcome.reason);
  return { kept: outcome.plan.kept.map((t) => t.user), question: outcome.plan.question, messages: outcome.plan.messages };
}

describe('messagesFor', () => {
  it.each<[string, string, [string, string][], string, ChatMessage[]]>([
    ['a first question, no system prompt', '', [], 'hi', [u('hi')]],
    ['a blank system prompt is not sent', '  \n', [], 'hi', [u('hi')]],
    ['the system prompt goes first', 'Be brief.', [], 'hi', [sys('Be brief.'), u('hi')]],
    ['earlier turns in order, then the question', 'S', [['q1', 'a1'], ['q2', 'a2']], 'q3', [sys('S'), u('q1'), a('a1'), u('q2'), a('a2'), u('q3')]],
    ['an empty (stopped) answer is still sent, so roles alternate', '', [['q1', '']], 'q2', [u('q1'), a(''), u('q2')]],
  ])('%s', (_, system, turns, question, expected) => {
    expect(messagesFor(system, turns.map(([user, assistant]) => ({ user, assistant })), question)).toEqual(expected);
  });
});

describe('turn plans', () => {
  const conversation = sampleConversation();

  it.each<[string, PlanOutcome, { kept: string[]; question: string; messages: ChatMessage[] }]>([
    ['a new turn keeps every turn', planNewTurn(conversation, 'q4'), { kept: ['q1', 'q2', 'q3'], question: 'q4', messages: [sys('Be brief.'), u('q1'), a('a1'), u('q2'), a('a2'), u('q3'), a('a3'), u('q4')] }],
    ['regenerate asks the last question again without its answer', planRegenerate(conversation), { kept: ['q1', 'q2'], question: 'q3', messages: [sys('Be brief.'), u('q1'), a('a1'), u('q2'), a('a2'), u('q3')] }],
    ['editing the first question drops every turn', planEdit(conversation, 0, 'new q1'), { kept: [], question: 'new q1', messages: [sys('Be brief.'), u('new q1')] }],
    ['editing the second drops it and the later ones', planEdit(conversation, 1, 'new q2'), { kept: ['q1'], question: 'new q2', messages: [sys('Be brief.'), u('q1'), a('a1'), u('new q2')] }],
    ['editing the last is a regenerate with new words', planEdit(conversation, 2, 'new q3'), { kept: ['q1', 'q2'], question: 'new q3', messages: [sys('Be brief.'), u('q1'), a('a1'), u('q2'), a('a2'), u('new q3')] }],
  ])('%s', (_, outcome, expected) => {
    expect(planOf(outcome)).toEqual(expected);
  });

  it.each<[string, PlanOutcome, string]>([
    ['an empty message', planNewTurn(conversation, '  \n '), 'Type a message first.'],
    ['regenerating with no answer yet', planRegenerate({ ...conversation, turns: [] }), 'There is no answer to regenerate yet.'],
    ['editing a turn that does not exist', planEdit(conversation, 3, 'x'), 'There is no message 4 to edit.'],
    ['editing a negative index', planEdit(conversation, -1, 'x'), 'There is no message 0 to edit.'],
    ['editing to an empty message', planEdit(conversation, 1, ' '), 'An edited message cannot be empty.'],
  ])('refuses %s', (_, outcome, reason) => {
    expect(outcome).toEqual({ ok: false, reason });
  });

  it('a plan never changes the conversation it was made from', () => {
    const before = JSON.stringify(conversation);
    planEdit(conversation, 0, 'x');
    planRegenerate(conversation);
    expect(JSON.stringify(conversation)).toBe(before);
  });
});

describe('withAnswer', () => {
  it('an edit-and-resend leaves the kept turns and the new answer, nothing after', () => {
    const conversation = sampleConversation();
    const outcome = planEdit(conversation, 1, 'new q2');
    if (!outcome.ok) throw new Error(outcome.reason);
    const next = withAnswer(conversation, outcome.plan.kept, sampleTurn('new q2', 'new a2', { at: 1_700_000_009_000, modelId: 'wf-stories15m' }));
    expect(next.turns.map((t) => [t.user, t.assistant])).toEqual([
      ['q1', 'a1'],
      ['new q2', 'new a2'],
    ]);
    expect(next).toMatchObject({ title: 'Bees', updatedAt: 1_700_000_009_000, modelId: 'wf-stories15m' });
  });

  it.each<[string, string, string]>([
    ['a short question', 'What is a bee?', 'What is a bee?'],
    ['only the first line, spaces folded', '  Tell me\tabout   bees\nand more', 'Tell me about bees'],
    ['a long line is shortened', 'x'.repeat(100), `${'x'.repeat(59)}…`],
    ['a blank question keeps the default', '   ', 'New conversation'],
  ])('names an untitled conversation from its first question: %s', (_, question, title) => {
    expect(titleFrom(question)).toBe(title);
    const fresh = newConversation('c-2', 1, 'wf-tiny');
    expect(withAnswer(fresh, [], sampleTurn(question, 'x')).title).toBe(title);
  });
});

describe('renamed', () => {
  it.each<[string, string, { ok: true; title: string } | { ok: false; reason: string }]>([
    ['a plain name', 'Bee facts', { ok: true, title: 'Bee facts' }],
    ['spaces trimmed and folded', '  Bee \n facts ', { ok: true, title: 'Bee facts' }],
    ['markup stays text', '<img src=x onerror=alert(1)>', { ok: true, title: '<img src=x onerror=alert(1)>' }],
    ['empty', '   ', { ok: false, reason: 'A conversation needs a name.' }],
    ['too long', 'x'.repeat(121), { ok: false, reason: 'A name is at most 120 characters (this one has 121).' }],
  ])('%s', (_, title, expected) => {
    const outcome = renamed(sampleConversation(), title, 1_700_000_005_000);
    expect(outcome.ok ? { ok: true, title: outcome.conversation.title } : outcome).toEqual(expected);
  });
});

describe('small rules', () => {
  it.each<[TurnFinish, boolean]>([
    ['eos', false],
    ['length', false],
    ['stop', false],
    ['context', false],
    ['aborted', true],
    ['failed', true],
  ])('a turn that finished by %s is incomplete: %s', (finish, incomplete) => {
    expect(isIncomplete({ finish })).toBe(incomplete);
  });

  it.each<[number, number | null, string | null]>([
    [0, 512, null],
    [1, 512, "1 earlier message was left out: the conversation is longer than the model's 512-token context."],
    [2, 512, "2 earlier messages were left out: the conversation is longer than the model's 512-token context."],
    [3, null, "3 earlier messages were left out: the conversation is longer than the model's context."],
  ])('%d dropped, context %s', (dropped, context, notice) => {
    expect(droppedNotice(dropped, context)).toBe(notice);
  });

  it('changes the system prompt only before the first answer', () => {
    expect(withSystemPrompt(newConversation('c', 1, 'm'), 'New').systemPrompt).toBe('New');
    expect(withSystemPrompt(sampleConversation(), 'New').systemPrompt).toBe('Be brief.');
  });

  it('lists the most recently used first', () => {
    const list = newestFirst([
      { id: 'a', updatedAt: 1 },
      { id: 'c', updatedAt: 3 },
      { id: 'b', updatedAt: 3 },
    ]);
    expect(list.map((c) => c.id)).toEqual(['c', 'b', 'a']);
  });
});

describe('withRunId', () => {
  const answered = sampleConversation({ turns: [sampleTurn('q1', 'a1'), sampleTurn('q2', 'a2', { runId: null, at: 5 })] });
  it.each<[string, number, number, number | null]>([
    ['the answer the run measured gets its id', 1, 5, 77],
    ['an answer replaced since (another time) is left alone', 1, 6, null],
    ['a turn that already has a run is left alone', 0, 1_700_000_001_000, 42],
    ['a turn that no longer exists is left alone', 2, 5, undefined as unknown as null],
  ])('%s', (_, index, at, expected) => {
    const next = withRunId(answered, index, at, 77);
    expect(next.turns[index]?.runId).toBe(expected);
    if (expected !== 77) expect(next).toBe(answered);
  });
});
