/**
 * What of a conversation the model reads when it has grown past the context window. Nothing is cut
 * silently: the system prompt stays, whole turns go from the oldest (a user message with the
 * replies that follow it), and the engine reports how many messages it left out. The latest user
 * message is never shortened; if it cannot fit on its own the request is refused with the numbers.
 *
 * Token counts come from the caller (`countTokens` formats the messages with the model's template
 * and tokenizes them), so the policy sees exactly what the model would read.
 */
import type { ChatMessage } from '../models/chat.ts';
import { EngineError } from './errors.ts';

export type ConversationFit =
  | {
      ok: true;
      messages: ChatMessage[];
      droppedMessages: number;
      promptTokens: number;
      maxNewTokens: number;
      /** The output was cut to what fits beside the shortest prompt (finish reason `context`). */
      limitedByContext: boolean;
    }
  | { ok: false; code: 'prompt-too-long' | 'generation-failed'; message: string };

export interface ConversationFitInput {
  modelId: string;
  messages: readonly ChatMessage[];
  maxNewTokens: number;
  /** Absent: the model has no known limit and reads everything. */
  contextLength: number | undefined;
  countTokens: (messages: readonly ChatMessage[]) => number;
}

/** Leading system messages, earlier turns (each a user message and what follows it), the latest message. */
function splitConversation(messages: readonly ChatMessage[]): { system: ChatMessage[]; turns: ChatMessage[][]; latest: ChatMessage } {
  let start = 0;
  while (start < messages.length && messages[start]!.role === 'system') start++;
  const system = messages.slice(0, start);
  const turns: ChatMessage[][] = [];
  for (const message of messages.slice(start, -1)) {
    if (message.role === 'user' || turns.length === 0) turns.push([message]);
    else turns.at(-1)!.push(message);
  }
  return { system, turns, latest: messages.at(-1)! };
}

export function fitConversation(input: ConversationFitInput): ConversationFit {
  const { modelId, messages, maxNewTokens, contextLength, countTokens } = input;
  const last = messages.at(-1);
  if (!last || last.role !== 'user') {
    return { ok: false, code: 'generation-failed', message: 'A conversation must end with a user message for the model to answer.' };
  }
  const whole = countTokens(messages);
  if (!contextLength || contextLength <= 0) {
    return { ok: true, messages: [...messages], droppedMessages: 0, promptTokens: whole, maxNewTokens, limitedByContext: false };
  }
  const { system, turns, latest } = splitConversation(messages);
  let candidate: ChatMessage[] = [...messages];
  let promptTokens = whole;
  for (let dropped = 0; ; dropped++) {
    if (promptTokens + maxNewTokens <= contextLength) {
      return { ok: true, messages: candidate, droppedMessages: messages.length - candidate.length, promptTokens, maxNewTokens, limitedByContext: false };
    }
    if (dropped === turns.length) break;
    candidate = [...system, ...turns.slice(dropped + 1).flat(), latest];
    promptTokens = countTokens(candidate);
  }
  const room = contextLength - promptTokens;
  if (room >= 1) {
    return { ok: true, messages: candidate, droppedMessages: messages.length - candidate.length, promptTokens, maxNewTokens: room, limitedByContext: true };
  }
  const withSystem = system.length > 0 ? ` (${countTokens([latest])} of them the message itself, the rest the system prompt and the chat format)` : '';
  return {
    ok: false,
    code: 'prompt-too-long',
    message: `The latest message needs ${promptTokens} tokens${withSystem}, and ${modelId} reads at most ${contextLength} tokens in all, so there is no room to answer even with every earlier turn left out. Shorten it to fewer than ${contextLength} tokens.`,
  };
}

/**
 * The conversation less its oldest turn (the system prompt stays), or null when only the system
 * prompt and the latest message are left: for engines that learn a prompt's size only by sending
 * it (wllama: llama.cpp counts and refuses, nothing in its API tokenizes).
 */
export function withoutOldestTurn(messages: readonly ChatMessage[]): ChatMessage[] | null {
  if (messages.length === 0) return null;
  const { system, turns, latest } = splitConversation(messages);
  if (turns.length === 0) return null;
  return [...system, ...turns.slice(1).flat(), latest];
}

export interface ContextOverflow {
  promptTokens: number;
  contextTokens: number;
}

/**
 * Sends a conversation to an engine that counts its prompt itself and refuses one that does not fit
 * before computing anything (llama.cpp, web-llm): on each refusal the oldest turn goes and the
 * request is sent again. A latest message that cannot fit on its own is refused with the numbers.
 */
export async function sendDroppingOldestTurns<T>(
  modelId: string,
  messages: readonly ChatMessage[],
  send: (messages: ChatMessage[]) => Promise<T>,
  overflowOf: (thrown: unknown) => ContextOverflow | null,
): Promise<{ result: T; droppedMessages: number }> {
  let candidate = [...messages];
  for (;;) {
    try {
      return { result: await send(candidate), droppedMessages: messages.length - candidate.length };
    } catch (error) {
      const overflow = overflowOf(error);
      if (!overflow) throw error;
      const shorter = withoutOldestTurn(candidate);
      if (!shorter) {
        throw new EngineError(
          'prompt-too-long',
          `The latest message needs ${overflow.promptTokens} tokens, and ${modelId} reads at most ${overflow.contextTokens} tokens in all, so there is no room to answer even with every earlier turn left out. Shorten it to fewer than ${overflow.contextTokens} tokens.`,
        );
      }
      candidate = shorter;
    }
  }
}
