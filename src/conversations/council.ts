/**
 * A council conversation as it is kept: the shared prompts, and per turn each member's answer with
 * what the panel showed of it. The page's live state (src/app/council) turns into this data and back
 * through the pure functions here; which messages a member is sent stays the scheduler's rule
 * (src/scheduler/council-conversation.ts), fed with the histories rebuilt from these turns.
 *
 * An answer keeps the figures its pane showed (prompt tokens, KV reuse, dropped messages, time to first
 * token, decode rate) and, once the member's run record is on disk, that run's id: conversations kept
 * before council runs were stored have the figures alone.
 */
import type { JobStatus } from '../scheduler/protocol.ts';
import { keepMembers, NO_HISTORIES, withAnswer, type CouncilHistories } from '../scheduler/council-conversation.ts';
import { memberIdFor } from '../scheduler/member-choices.ts';
import { titleFrom } from './conversation.ts';

/** How a member's answer ended: the statuses a finished council pane can have. */
export type CouncilAnswerStatus = Extract<JobStatus, 'done' | 'failed' | 'cancelled'>;

export const COUNCIL_ANSWER_STATUSES: readonly CouncilAnswerStatus[] = ['done', 'failed', 'cancelled'];

export interface CouncilAnswer {
  /** The member's id at the time (`<slot>-<choice>`): whose history the answer joins. */
  memberId: string;
  /** The member's label as the pane showed it ("Simulated model (fast) #1"). */
  label: string;
  modelId: string;
  status: CouncilAnswerStatus;
  /** What the member answered (partial when it failed or was stopped). */
  text: string;
  /** What the engine read; null when it gave no result. */
  prompt: { promptTokens: number; reusedPromptTokens: number; droppedMessages: number } | null;
  /** The member's own speed on the engine's clock; null when it gave no result. */
  speed: { ttftMs: number; decodeTps: number } | null;
  /**
   * The run record measuring this answer (src/metrics), once stored; null or absent when none was
   * (a simulated or failed member, a run not stored yet, older conversations, an imported one).
   */
  runId?: number | null;
}

export interface CouncilTurn {
  prompt: string;
  /** When the turn ended (ms since the epoch). */
  at: number;
  /** In the council's slot order; only the members the turn was sent to. */
  answers: CouncilAnswer[];
}

export interface CouncilConversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  /** The council of the latest turn: each slot's choice key, in slot order (what reopening restores). */
  members: string[];
  turns: CouncilTurn[];
}

export const COUNCIL_DEFAULT_TITLE = 'New council conversation';

export function newCouncilConversation(id: string, now: number, members: readonly string[]): CouncilConversation {
  return { id, title: COUNCIL_DEFAULT_TITLE, createdAt: now, updatedAt: now, members: [...members], turns: [] };
}

/** The conversation once `turn` has ended with the council `members`; its title comes from the first prompt until renamed. */
export function withCouncilTurn(conversation: CouncilConversation, members: readonly string[], turn: CouncilTurn): CouncilConversation {
  const untitled = conversation.title === COUNCIL_DEFAULT_TITLE;
  return {
    ...conversation,
    title: untitled ? titleFrom(conversation.turns[0]?.prompt ?? turn.prompt) : conversation.title,
    updatedAt: Math.max(conversation.updatedAt, turn.at),
    members: [...members],
    turns: [...conversation.turns, turn],
  };
}

/**
 * The conversation with turn `index`'s answers pointing at their stored runs (`runIds` by member id).
 * Unchanged (the same object) when that turn is not the one ended at `at`, or no answer gains a link.
 */
export function withAnswerRuns(conversation: CouncilConversation, index: number, at: number, runIds: Readonly<Record<string, number>>): CouncilConversation {
  const turn = conversation.turns[index];
  if (!turn || turn.at !== at) return conversation;
  let linked = false;
  const answers = turn.answers.map((answer) => {
    const runId = runIds[answer.memberId];
    if (runId === undefined || (answer.runId ?? null) !== null) return answer;
    linked = true;
    return { ...answer, runId };
  });
  if (!linked) return conversation;
  const turns = [...conversation.turns];
  turns[index] = { ...turn, answers };
  return { ...conversation, turns };
}

/**
 * Each member's history as the live council would have built it: every completed answer after its
 * prompt, in turn order (a failed or stopped one is left out, as council-conversation.ts says), kept
 * only for the members in `memberIds` (a member that is not in the council now starts afresh).
 */
export function historiesOf(conversation: Pick<CouncilConversation, 'turns'>, memberIds: readonly string[]): CouncilHistories {
  let histories = NO_HISTORIES;
  for (const turn of conversation.turns) {
    for (const answer of turn.answers) histories = withAnswer(histories, answer.memberId, turn.prompt, { status: answer.status, text: answer.text });
  }
  return keepMembers(histories, memberIds);
}

/** The member ids a council of these choice keys has. */
export function memberIdsOf(members: readonly string[]): string[] {
  return members.map((key, i) => memberIdFor(i, key));
}

/**
 * What reopening a conversation does to the council. Every stored member available here: the council
 * takes the stored members (`restore`), and `notice` says so when they differ from the current ones.
 * Some member unavailable: the council keeps its members (`restore` null) and `notice` names what is
 * missing; members whose id matches keep their history, the others start afresh.
 */
export function reopenPlan(stored: readonly string[], current: readonly string[], available: ReadonlySet<string>, labelOf: (key: string) => string): { restore: string[] | null; notice: string | null } {
  const missing = stored.filter((key) => !available.has(key));
  if (missing.length > 0) {
    return {
      restore: null,
      notice: `This conversation's ${missing.length === 1 ? 'member' : 'members'} ${missing.map((k) => `"${k}"`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not available here: the council keeps its current members, and only those that match the stored ones continue their history.`,
    };
  }
  const same = stored.length === current.length && stored.every((key, i) => key === current[i]);
  if (same) return { restore: [...stored], notice: null };
  return { restore: [...stored], notice: `The council now has this conversation's members: ${stored.map(labelOf).join(', ')}.` };
}

export function asImportedCouncil(conversations: readonly CouncilConversation[], existingIds: ReadonlySet<string>, freshId: () => string): CouncilConversation[] {
  const taken = new Set(existingIds);
  return conversations.map((c) => {
    let id = c.id;
    while (taken.has(id)) id = freshId();
    taken.add(id);
    // Run ids name runs on the device that measured them, not this one.
    return { ...c, id, turns: c.turns.map((t) => ({ ...t, answers: t.answers.map(({ runId: _elsewhere, ...answer }) => answer) })) };
  });
}
