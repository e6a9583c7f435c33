/**
 * What makes a submitted turn invalid, and the sentence that says so. `submit` answers at once and
 * as plain data, so every refusal has to be decided before anything is queued and has to say, in
 * words, what to change. A full queue is not decided here: overload depends on what is waiting, not
 * on the turn, and belongs to the queue (queue.ts).
 *
 * Two steps, checked in this order, the first refusal winning:
 * 1. `resolveTurnMembers`: the scheduler is open, the prompt and token count are usable, the
 *    turn names members that exist and were not removed (none named: every member not removed),
 *    and each member's conversation, where given, is one its engine can read (`checkTurnMessages`);
 * 2. `checkTurnFits`: lock-step only where every member can generate at once, member priorities that
 *    exist, and no more members than the queue holds.
 * They are apart because the second needs the concurrency, which the scheduler works out only for a
 * lock-step turn whose members are known (working it out may announce a change of burst mode).
 */
import type { ChatRole } from '../models/chat.ts';
import type { SubmitAnswer, TurnRequest } from './protocol.ts';
import { PRIORITY_RANK } from './queue.ts';

export type SubmitRefusal = Extract<SubmitAnswer, { code: 'invalid' }>;

export interface CouncilRoll {
  /** The scheduler has shut down. */
  closed: boolean;
  /** Every member the scheduler knows, in council order (removed ones included: they get their own sentence). */
  members: readonly { id: string; label: string; removed: boolean }[];
}

export interface TurnLimits {
  /** Members generating at once now; null when the turn is not lock-step (nothing else needs it). */
  concurrency: number | null;
  /** For the sentences: "Low", "Mid", "High". */
  tierLabel: string;
  queueCapacity: number;
}

export type TurnMembers = { ok: true; memberIds: string[] } | { ok: false; refusal: SubmitRefusal };

export function resolveTurnMembers(request: TurnRequest, roll: CouncilRoll): TurnMembers {
  if (roll.closed) return refuse('The scheduler has shut down.');
  if (typeof request.prompt !== 'string') return refuse('A prompt is needed.');
  if (!(request.maxNewTokens >= 1)) return refuse('maxNewTokens must be at least 1.');
  const ids = [...new Set(request.members ?? roll.members.filter((m) => !m.removed).map((m) => m.id))];
  if (ids.length === 0) return refuse('No council member can answer: add a model first.');
  for (const id of ids) {
    const member = roll.members.find((m) => m.id === id);
    if (!member) return refuse(`There is no council member called ${id}.`);
    if (member.removed) return refuse(`${member.label} was removed from the council after repeated failures; add it again to use it.`);
  }
  const messages = checkTurnMessages(request.messages, ids, roll);
  if (messages) return { ok: false, refusal: messages };
  return { ok: true, memberIds: ids };
}

/**
 * Bounds of one member's conversation. The request crosses a worker boundary as one structured clone
 * and every message is re-tokenised by an engine whose context holds far less, so a conversation past
 * these is a page that forgot to trim it, not one a model could use (engines drop the oldest turns
 * that do not fit their context on their own: `droppedMessages`).
 */
export interface TurnMessageLimits {
  readonly messagesPerMember: number;
  readonly charsPerMember: number;
}

export const TURN_MESSAGE_LIMITS: TurnMessageLimits = { messagesPerMember: 256, charsPerMember: 200_000 };

const CHAT_ROLES: readonly ChatRole[] = ['system', 'user', 'assistant'];

/**
 * `messages` comes from the page over a worker boundary: each entry must be a conversation of a member
 * of this turn, of known roles and text contents, within the bounds, ending with the new user message.
 */
export function checkTurnMessages(messages: unknown, memberIds: readonly string[], roll: CouncilRoll): SubmitRefusal | null {
  if (messages === undefined) return null;
  if (typeof messages !== 'object' || messages === null || Array.isArray(messages)) return invalid('messages must map member ids to their conversations.');
  for (const [id, conversation] of Object.entries(messages)) {
    const member = roll.members.find((m) => m.id === id);
    if (!member) return invalid(`Messages were given for ${id}, which is no council member.`);
    if (!memberIds.includes(id)) return invalid(`Messages were given for ${member.label}, which does not answer this turn.`);
    const whose = `${member.label}'s conversation`;
    if (!Array.isArray(conversation)) return invalid(`${whose} is not a list of messages.`);
    if (conversation.length === 0) return invalid(`${whose} is empty: it needs at least the new user message.`);
    if (conversation.length > TURN_MESSAGE_LIMITS.messagesPerMember) {
      return invalid(`${whose} has ${conversation.length} messages; at most ${TURN_MESSAGE_LIMITS.messagesPerMember} are taken.`);
    }
    let chars = 0;
    for (const [i, message] of conversation.entries()) {
      if (typeof message !== 'object' || message === null) return invalid(`Message ${i + 1} of ${whose} is not a message with a role and a content.`);
      const { role, content } = message as { role?: unknown; content?: unknown };
      if (!CHAT_ROLES.includes(role as ChatRole)) return invalid(`Message ${i + 1} of ${whose} has role "${String(role)}", none of system, user, assistant.`);
      if (typeof content !== 'string') return invalid(`Message ${i + 1} of ${whose} has no text content.`);
      chars += content.length;
    }
    if (chars > TURN_MESSAGE_LIMITS.charsPerMember) return invalid(`${whose} is ${chars} characters long; at most ${TURN_MESSAGE_LIMITS.charsPerMember} are taken.`);
    const last = conversation[conversation.length - 1] as { role: ChatRole };
    if (last.role !== 'user') return invalid(`${whose} must end with the new user message; its last message is of role ${last.role}.`);
  }
  return null;
}

export function checkTurnFits(request: TurnRequest, memberIds: readonly string[], limits: TurnLimits): SubmitRefusal | null {
  const n = memberIds.length;
  if (request.lockStep && limits.concurrency !== null && n > limits.concurrency) {
    return invalid(`Lock-step needs all ${n} members generating at once; ${limits.tierLabel} tier runs ${limits.concurrency} at a time now. Use free-running mode.`);
  }
  for (const [id, priority] of Object.entries(request.memberPriorities ?? {})) {
    if (!(priority in PRIORITY_RANK)) return invalid(`Priority "${String(priority)}" of ${id} is none of high, normal, low.`);
  }
  if (n > limits.queueCapacity) return invalid(`A turn of ${n} members is larger than the queue (${limits.queueCapacity}).`);
  return null;
}

function invalid(message: string): SubmitRefusal {
  return { accepted: false, code: 'invalid', message };
}

function refuse(message: string): TurnMembers {
  return { ok: false, refusal: invalid(message) };
}
