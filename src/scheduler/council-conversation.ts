/**
 * A council conversation as plain data: each member keeps its own history, the shared prompts as user
 * messages and its own answers as assistant messages, so on the next turn every member reads what it
 * said itself (never another member's answer) and its engine can reuse its KV cache.
 *
 * A history grows only by exchanges the member completed. A failed or stopped answer is left out,
 * prompt included: its text is cut short (mid-word, or empty after a crash), and a member that read
 * it back would be continuing an answer it never gave; the user sees that turn's pane marked failed
 * or stopped, and the member's next turn follows its last complete answer instead.
 */
import type { ChatMessage } from '../models/chat.ts';
import type { JobStatus } from './protocol.ts';
import { TURN_MESSAGE_LIMITS, type TurnMessageLimits } from './submit-rules.ts';

/** Per member id, the exchanges it completed, oldest first: user, assistant, user, assistant, … */
export type CouncilHistories = ReadonlyMap<string, readonly ChatMessage[]>;

export const NO_HISTORIES: CouncilHistories = new Map();

/**
 * What each member of a turn is sent: its history and the new prompt. The oldest exchanges go first
 * where the history would pass the scheduler's bounds (engines drop what does not fit their context
 * on their own, so this only keeps a long conversation from being refused).
 */
export function turnMessages(histories: CouncilHistories, memberIds: readonly string[], prompt: string, limits: TurnMessageLimits = TURN_MESSAGE_LIMITS): Record<string, ChatMessage[]> {
  return Object.fromEntries(memberIds.map((id) => [id, [...fitHistory(histories.get(id) ?? [], prompt, limits), { role: 'user', content: prompt }]]));
}

function fitHistory(history: readonly ChatMessage[], prompt: string, limits: TurnMessageLimits): readonly ChatMessage[] {
  let start = 0;
  let chars = prompt.length + history.reduce((sum, m) => sum + m.content.length, 0);
  while (start < history.length && (history.length - start + 1 > limits.messagesPerMember || chars > limits.charsPerMember)) {
    // Whole exchanges, so the kept history still starts with a user message.
    for (const m of history.slice(start, start + 2)) chars -= m.content.length;
    start += 2;
  }
  return start === 0 ? history : history.slice(start);
}

/** The member's history after its answer to `prompt` ended with `status`: one exchange longer when it completed. */
export function withAnswer(histories: CouncilHistories, memberId: string, prompt: string, answer: { status: JobStatus; text: string }): CouncilHistories {
  if (answer.status !== 'done') return histories;
  const next = new Map(histories);
  next.set(memberId, [...(histories.get(memberId) ?? []), { role: 'user', content: prompt }, { role: 'assistant', content: answer.text }]);
  return next;
}

/** Only these members' histories: a member that left the council (or whose slot now holds another model) starts afresh. */
export function keepMembers(histories: CouncilHistories, memberIds: readonly string[]): CouncilHistories {
  const kept = new Set(memberIds);
  if ([...histories.keys()].every((id) => kept.has(id))) return histories;
  return new Map([...histories].filter(([id]) => kept.has(id)));
}
