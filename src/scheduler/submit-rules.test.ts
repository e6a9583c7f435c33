import { describe, expect, it } from 'vitest';
import type { TurnRequest } from './protocol.ts';
import { TURN_MESSAGE_LIMITS, checkTurnFits, resolveTurnMembers, type CouncilRoll, type TurnLimits } from './submit-rules.ts';

const member = (id: string, removed = false) => ({ id, label: `Model ${id}`, removed });
const roll = (...members: ReturnType<typeof member>[]): CouncilRoll => ({ closed: false, members });
const request = (extra: Partial<TurnRequest> = {}): TurnRequest => ({ prompt: 'hello', maxNewTokens: 4, ...extra });
const limits = (extra: Partial<TurnLimits> = {}): TurnLimits => ({ concurrency: null, tierLabel: 'Mid', queueCapacity: 64, ...extra });

describe('resolveTurnMembers: who answers', () => {
  it.each([
    ['every member not removed, in council order', request(), roll(member('A'), member('B', true), member('C')), ['A', 'C']],
    ['the named members, in the order named', request({ members: ['C', 'A'] }), roll(member('A'), member('C')), ['C', 'A']],
    ['a member named twice answers once', request({ members: ['A', 'A', 'B'] }), roll(member('A'), member('B')), ['A', 'B']],
    ['one member of several', request({ members: ['B'] }), roll(member('A'), member('B')), ['B']],
    ['an empty prompt is a prompt', request({ prompt: '' }), roll(member('A')), ['A']],
    ['one token is enough', request({ maxNewTokens: 1 }), roll(member('A')), ['A']],
    ['a fractional count of at least 1 passes', request({ maxNewTokens: 1.5 }), roll(member('A')), ['A']],
  ] as const)('%s', (_name, req, council, ids) => {
    expect(resolveTurnMembers(req, council)).toEqual({ ok: true, memberIds: ids });
  });

  it.each([
    ['shut down', request(), { closed: true, members: [member('A')] }, 'The scheduler has shut down.'],
    ['shut down wins over a bad prompt', request({ prompt: undefined as never }), { closed: true, members: [] }, 'The scheduler has shut down.'],
    ['no prompt', request({ prompt: undefined as never }), roll(member('A')), 'A prompt is needed.'],
    ['a prompt that is not text', request({ prompt: 42 as never }), roll(member('A')), 'A prompt is needed.'],
    ['no prompt wins over a bad token count', request({ prompt: null as never, maxNewTokens: 0 }), roll(member('A')), 'A prompt is needed.'],
    ['zero tokens', request({ maxNewTokens: 0 }), roll(member('A')), 'maxNewTokens must be at least 1.'],
    ['just under one token', request({ maxNewTokens: 0.999 }), roll(member('A')), 'maxNewTokens must be at least 1.'],
    ['negative tokens', request({ maxNewTokens: -5 }), roll(member('A')), 'maxNewTokens must be at least 1.'],
    ['NaN tokens', request({ maxNewTokens: Number.NaN }), roll(member('A')), 'maxNewTokens must be at least 1.'],
    ['no token count', request({ maxNewTokens: undefined as never }), roll(member('A')), 'maxNewTokens must be at least 1.'],
    ['a token count that is text', request({ maxNewTokens: 'many' as never }), roll(member('A')), 'maxNewTokens must be at least 1.'],
    ['an empty council', request(), roll(), 'No council member can answer: add a model first.'],
    ['every member removed', request(), roll(member('A', true), member('B', true)), 'No council member can answer: add a model first.'],
    ['an empty list of members', request({ members: [] }), roll(member('A')), 'No council member can answer: add a model first.'],
    ['an unknown member', request({ members: ['Z'] }), roll(member('A')), 'There is no council member called Z.'],
    ['the first unknown member is named', request({ members: ['A', 'Y', 'Z'] }), roll(member('A')), 'There is no council member called Y.'],
    ['a removed member, by its label', request({ members: ['B'] }), roll(member('A'), member('B', true)), 'Model B was removed from the council after repeated failures; add it again to use it.'],
    ['the first bad member in the order named wins', request({ members: ['B', 'Z'] }), roll(member('B', true)), 'Model B was removed from the council after repeated failures; add it again to use it.'],
    ['an unknown member before a removed one', request({ members: ['Z', 'B'] }), roll(member('B', true)), 'There is no council member called Z.'],
  ] as const)('refuses: %s', (_name, req, council, message) => {
    expect(resolveTurnMembers(req, council)).toEqual({ ok: false, refusal: { accepted: false, code: 'invalid', message } });
  });
});

describe('checkTurnFits: can the turn run here', () => {
  it.each([
    ['free-running beyond the concurrency', request(), ['A', 'B', 'C'], limits({ concurrency: 1 })],
    ['lock-step with exactly as many members as run at once', request({ lockStep: true }), ['A', 'B'], limits({ concurrency: 2 })],
    ['lock-step with fewer', request({ lockStep: true }), ['A'], limits({ concurrency: 3 })],
    ['lock-step off', request({ lockStep: false }), ['A', 'B', 'C'], limits({ concurrency: 1 })],
    ['every known priority', request({ memberPriorities: { A: 'high', B: 'normal', C: 'low' } }), ['A', 'B', 'C'], limits()],
    ['a priority for a member not in the turn is still a priority', request({ memberPriorities: { Z: 'low' } }), ['A'], limits()],
    ['no member priorities', request({ memberPriorities: {} }), ['A'], limits()],
    ['exactly the queue capacity', request(), ['A', 'B', 'C'], limits({ queueCapacity: 3 })],
  ] as const)('accepts: %s', (_name, req, ids, lim) => {
    expect(checkTurnFits(req, ids, lim)).toBeNull();
  });

  it.each([
    [
      'lock-step on a serial tier',
      request({ lockStep: true }),
      ['A', 'B'],
      limits({ concurrency: 1, tierLabel: 'Low' }),
      'Lock-step needs all 2 members generating at once; Low tier runs 1 at a time now. Use free-running mode.',
    ],
    [
      'lock-step one member over',
      request({ lockStep: true }),
      ['A', 'B', 'C', 'D'],
      limits({ concurrency: 3 }),
      'Lock-step needs all 4 members generating at once; Mid tier runs 3 at a time now. Use free-running mode.',
    ],
    [
      'lock-step wins over a bad priority and a small queue',
      request({ lockStep: true, memberPriorities: { A: 'urgent' as never } }),
      ['A', 'B'],
      limits({ concurrency: 1, queueCapacity: 1 }),
      'Lock-step needs all 2 members generating at once; Mid tier runs 1 at a time now. Use free-running mode.',
    ],
    ['an unknown priority', request({ memberPriorities: { A: 'urgent' as never } }), ['A'], limits(), 'Priority "urgent" of A is none of high, normal, low.'],
    ['a priority that is not text', request({ memberPriorities: { B: 3 as never } }), ['A', 'B'], limits(), 'Priority "3" of B is none of high, normal, low.'],
    ['priorities are case-sensitive', request({ memberPriorities: { A: 'High' as never } }), ['A'], limits(), 'Priority "High" of A is none of high, normal, low.'],
    ['the first bad priority is named', request({ memberPriorities: { A: 'low', B: 'x' as never, C: 'y' as never } }), ['A', 'B', 'C'], limits(), 'Priority "x" of B is none of high, normal, low.'],
    ['a bad priority wins over a small queue', request({ memberPriorities: { A: '' as never } }), ['A', 'B'], limits({ queueCapacity: 1 }), 'Priority "" of A is none of high, normal, low.'],
    ['one member more than the queue holds', request(), ['A', 'B', 'C', 'D'], limits({ queueCapacity: 3 }), 'A turn of 4 members is larger than the queue (3).'],
    ['a queue of none', request(), ['A'], limits({ queueCapacity: 0 }), 'A turn of 1 members is larger than the queue (0).'],
  ] as const)('refuses: %s', (_name, req, ids, lim, message) => {
    expect(checkTurnFits(req, ids, lim)).toEqual({ accepted: false, code: 'invalid', message });
  });
});

describe('resolveTurnMembers: each member\'s conversation', () => {
  const user = (content: string) => ({ role: 'user' as const, content });
  const assistant = (content: string) => ({ role: 'assistant' as const, content });
  const two = roll(member('A'), member('B'));
  const conversation = (messages: unknown) => request({ messages: { A: messages } as never });

  it.each([
    ['no messages at all', request(), ['A', 'B']],
    ['one member with a one-message conversation, the other without', conversation([user('hi')]), ['A', 'B']],
    ['a system prompt and two exchanges', conversation([{ role: 'system', content: 'Be brief.' }, user('a'), assistant('b'), user('c')]), ['A', 'B']],
    ['every member its own', request({ messages: { A: [user('x')], B: [user('y'), assistant('z'), user('w')] } }), ['A', 'B']],
    ['empty contents are text', conversation([user(''), assistant(''), user('')]), ['A', 'B']],
    ['exactly the message bound', conversation([...Array.from({ length: TURN_MESSAGE_LIMITS.messagesPerMember - 1 }, () => assistant('')), user('q')]), ['A', 'B']],
    ['exactly the size bound', conversation([user('x'.repeat(TURN_MESSAGE_LIMITS.charsPerMember))]), ['A', 'B']],
    ['an empty map', request({ messages: {} }), ['A', 'B']],
  ] as const)('accepts: %s', (_name, req, ids) => {
    expect(resolveTurnMembers(req, two)).toEqual({ ok: true, memberIds: ids });
  });

  it.each([
    ['messages that are a list', request({ messages: [[user('x')]] as never }), two, 'messages must map member ids to their conversations.'],
    ['messages that are text', request({ messages: 'hi' as never }), two, 'messages must map member ids to their conversations.'],
    ['messages that are null', request({ messages: null as never }), two, 'messages must map member ids to their conversations.'],
    ['a conversation for an unknown member', request({ messages: { Z: [user('x')] } }), two, 'Messages were given for Z, which is no council member.'],
    ['a conversation for a member not in the turn', request({ members: ['A'], messages: { B: [user('x')] } }), two, "Messages were given for Model B, which does not answer this turn."],
    ['a conversation that is not a list', conversation('hi'), two, "Model A's conversation is not a list of messages."],
    ['an empty conversation', conversation([]), two, "Model A's conversation is empty: it needs at least the new user message."],
    [
      'one message over the bound',
      conversation(Array.from({ length: TURN_MESSAGE_LIMITS.messagesPerMember + 1 }, () => user(''))),
      two,
      `Model A's conversation has ${TURN_MESSAGE_LIMITS.messagesPerMember + 1} messages; at most ${TURN_MESSAGE_LIMITS.messagesPerMember} are taken.`,
    ],
    [
      'one character over the bound, across messages',
      conversation([user('x'.repeat(TURN_MESSAGE_LIMITS.charsPerMember)), assistant('y'), user('')]),
      two,
      `Model A's conversation is ${TURN_MESSAGE_LIMITS.charsPerMember + 1} characters long; at most ${TURN_MESSAGE_LIMITS.charsPerMember} are taken.`,
    ],
    ['an unknown role', conversation([{ role: 'tool', content: 'x' }]), two, 'Message 1 of Model A\'s conversation has role "tool", none of system, user, assistant.'],
    ['roles are case-sensitive', conversation([user('a'), { role: 'User', content: 'x' }]), two, 'Message 2 of Model A\'s conversation has role "User", none of system, user, assistant.'],
    ['a message with no role', conversation([{ content: 'x' }]), two, 'Message 1 of Model A\'s conversation has role "undefined", none of system, user, assistant.'],
    ['a message that is text', conversation(['hello']), two, "Message 1 of Model A's conversation is not a message with a role and a content."],
    ['a message that is null', conversation([user('a'), null]), two, "Message 2 of Model A's conversation is not a message with a role and a content."],
    ['content that is a number', conversation([{ role: 'user', content: 42 }]), two, "Message 1 of Model A's conversation has no text content."],
    ['content that is missing', conversation([user('a'), { role: 'assistant' }]), two, "Message 2 of Model A's conversation has no text content."],
    ['a conversation ending with an answer', conversation([user('a'), assistant('b')]), two, "Model A's conversation must end with the new user message; its last message is of role assistant."],
    ['a conversation of a system prompt only', conversation([{ role: 'system', content: 's' }]), two, "Model A's conversation must end with the new user message; its last message is of role system."],
    ['an unknown member wins over the messages', request({ members: ['Z'], messages: { A: 'bad' as never } }), two, 'There is no council member called Z.'],
    ['the first bad conversation is named', request({ messages: { A: [user('ok')], B: [] } }), two, "Model B's conversation is empty: it needs at least the new user message."],
  ] as const)('refuses: %s', (_name, req, council, message) => {
    expect(resolveTurnMembers(req, council)).toEqual({ ok: false, refusal: { accepted: false, code: 'invalid', message } });
  });
});
