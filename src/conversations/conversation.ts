/**
 * A conversation and the pure operations on it: which messages a new turn, a regenerated answer or
 * an edited question sends to the engine, and the conversation that results. The page keeps state
 * and talks to the engine; everything that decides what is sent or kept is here, as plain data.
 */
import type { ChatMessage } from '../models/chat.ts';
import type { FinishReason } from '../workers/engine.ts';

/** `failed`: the engine gave no answer (an error, a lost worker); the text is whatever arrived before. */
export type TurnFinish = FinishReason | 'failed';

export const TURN_FINISHES: readonly TurnFinish[] = ['length', 'eos', 'aborted', 'context', 'stop', 'failed'];

/** One question and the model's answer to it. */
export interface Turn {
  user: string;
  assistant: string;
  /** When the answer ended (ms since the epoch). */
  at: number;
  /** The model that answered. */
  modelId: string;
  /** The run record measuring this answer (src/metrics/run-record.ts); null when no run was stored for it. */
  runId: number | null;
  finish: TurnFinish;
  /** Messages the engine left out because the conversation outgrew the model's context. */
  droppedMessages: number;
  /** Prompt tokens the engine took from its KV cache of the previous turn instead of prefilling them again. */
  reusedPromptTokens: number;
  /** The response cache gave this answer: no engine ran for it (runId is then null). */
  cached: boolean;
}

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  /** The model of the latest answer (the one selected when the conversation began, before any). */
  modelId: string;
  /** Empty: no system message is sent. */
  systemPrompt: string;
  turns: Turn[];
}

export const TITLE_MAX = 120;
const DEFAULT_TITLE = 'New conversation';
const TITLE_FROM_TEXT = 60;

/** An answer the model did not end itself: stopped by the user or cut off by a failure. */
export function isIncomplete(turn: Pick<Turn, 'finish'>): boolean {
  return turn.finish === 'aborted' || turn.finish === 'failed';
}

export function newConversation(id: string, now: number, modelId: string, systemPrompt = ''): Conversation {
  return { id, title: DEFAULT_TITLE, createdAt: now, updatedAt: now, modelId, systemPrompt, turns: [] };
}

/** The first line of the first question, shortened; used until the user renames the conversation. */
export function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0]!.trim().replace(/\s+/g, ' ');
  if (!line) return DEFAULT_TITLE;
  return line.length <= TITLE_FROM_TEXT ? line : `${line.slice(0, TITLE_FROM_TEXT - 1).trimEnd()}…`;
}

/** The message list for `turns` followed by a new question, with the system prompt first when there is one. */
export function messagesFor(systemPrompt: string, turns: readonly Pick<Turn, 'user' | 'assistant'>[], question: string): ChatMessage[] {
  const messages: ChatMessage[] = systemPrompt.trim() ? [{ role: 'system', content: systemPrompt }] : [];
  for (const turn of turns) messages.push({ role: 'user', content: turn.user }, { role: 'assistant', content: turn.assistant });
  messages.push({ role: 'user', content: question });
  return messages;
}

/** What to send for one answer: the turns kept before it, its question, and the engine's messages. */
export interface TurnPlan {
  kept: Turn[];
  question: string;
  messages: ChatMessage[];
}

export type PlanOutcome = { ok: true; plan: TurnPlan } | { ok: false; reason: string };

export function planNewTurn(conversation: Conversation, question: string): PlanOutcome {
  if (!question.trim()) return { ok: false, reason: 'Type a message first.' };
  return { ok: true, plan: { kept: [...conversation.turns], question, messages: messagesFor(conversation.systemPrompt, conversation.turns, question) } };
}

/** The last answer again: its question is asked anew, after the same earlier turns. */
export function planRegenerate(conversation: Conversation): PlanOutcome {
  const last = conversation.turns.at(-1);
  if (!last) return { ok: false, reason: 'There is no answer to regenerate yet.' };
  const kept = conversation.turns.slice(0, -1);
  return { ok: true, plan: { kept, question: last.user, messages: messagesFor(conversation.systemPrompt, kept, last.user) } };
}

/** Question `index` replaced by `question`: every turn from it on is dropped and the new question asked. */
export function planEdit(conversation: Conversation, index: number, question: string): PlanOutcome {
  if (!Number.isInteger(index) || index < 0 || index >= conversation.turns.length) return { ok: false, reason: `There is no message ${index + 1} to edit.` };
  if (!question.trim()) return { ok: false, reason: 'An edited message cannot be empty.' };
  const kept = conversation.turns.slice(0, index);
  return { ok: true, plan: { kept, question, messages: messagesFor(conversation.systemPrompt, kept, question) } };
}

/** The conversation once `turn` has answered the plan's question; the title comes from the first question until renamed. */
export function withAnswer(conversation: Conversation, kept: readonly Turn[], turn: Turn): Conversation {
  const untitled = conversation.title === DEFAULT_TITLE;
  return {
    ...conversation,
    title: untitled ? titleFrom(kept[0]?.user ?? turn.user) : conversation.title,
    updatedAt: Math.max(conversation.updatedAt, turn.at),
    modelId: turn.modelId,
    turns: [...kept, turn],
  };
}

/**
 * The conversation with turn `index` pointing at its stored run, once that run's record is on disk.
 * Unchanged (the same object) when that turn has since been replaced (regenerated, edited away) or
 * already has a run: `at` identifies the answer the run measured.
 */
export function withRunId(conversation: Conversation, index: number, at: number, runId: number): Conversation {
  const turn = conversation.turns[index];
  if (!turn || turn.at !== at || turn.runId !== null) return conversation;
  const turns = [...conversation.turns];
  turns[index] = { ...turn, runId };
  return { ...conversation, turns };
}

export type RenameOutcome<T = Conversation> = { ok: true; conversation: T } | { ok: false; reason: string };

/** Any kept conversation (a chat, a council's) under a new title, or why the title will not do. */
export function renamed<T extends { title: string; updatedAt: number }>(conversation: T, title: string, now: number): RenameOutcome<T> {
  const clean = title.trim().replace(/\s+/g, ' ');
  if (!clean) return { ok: false, reason: 'A conversation needs a name.' };
  if (clean.length > TITLE_MAX) return { ok: false, reason: `A name is at most ${TITLE_MAX} characters (this one has ${clean.length}).` };
  return { ok: true, conversation: { ...conversation, title: clean, updatedAt: Math.max(conversation.updatedAt, now) } };
}

/** The system prompt changes only before the first answer: the answers already given were made without the new one. */
export function withSystemPrompt(conversation: Conversation, systemPrompt: string): Conversation {
  return conversation.turns.length === 0 ? { ...conversation, systemPrompt } : conversation;
}

/** "2 earlier messages were left out: …", or null when the whole conversation was read. */
export function droppedNotice(dropped: number, contextTokens: number | null): string | null {
  if (dropped <= 0) return null;
  const what = dropped === 1 ? '1 earlier message was' : `${dropped} earlier messages were`;
  const why = contextTokens ? `the conversation is longer than the model's ${contextTokens}-token context` : "the conversation is longer than the model's context";
  return `${what} left out: ${why}.`;
}

/** Newest first, as the list shows them. */
export function newestFirst<T extends Pick<Conversation, 'updatedAt' | 'id'>>(conversations: readonly T[]): T[] {
  return [...conversations].sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}
