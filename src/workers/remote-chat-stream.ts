/**
 * Reads a streamed chat completion one event at a time, whatever the server's dialect: the text pieces
 * (OpenAI's `choices[0].delta.content`, Ollama's `message.content`), the finish reason, token counts
 * from `usage` or the dialect's counters, and the server's own timings. The engine feeds it parsed
 * events and acts on what it answers; kept pure so the recorded responses of each server test it.
 */
import type { EngineReportedTimings, FinishReason } from './engine.ts';
import { countsOfChunk, timingsOfChunk, type TokenCounts } from './remote-dialects.ts';
import type { StreamData } from './remote-stream-data.ts';

export interface ChatStreamState {
  text: string;
  pieces: number;
  /** The server's finish reason, as it said it (`stop`, `length`, Ollama's `done_reason`…). */
  finish: string | null;
  /** `[DONE]`, or Ollama's `done: true`: the server says the answer is complete. */
  done: boolean;
  counts: TokenCounts;
  timings: EngineReportedTimings | null;
}

export type ChatStep =
  | { kind: 'pieces'; pieces: string[] }
  | { kind: 'server-error'; message: string }
  | { kind: 'malformed'; detail: string };

export function newChatStream(): ChatStreamState {
  return { text: '', pieces: 0, finish: null, done: false, counts: { promptTokens: null, outputTokens: null }, timings: null };
}

function object(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** Folds one event into the state; answers the text pieces it carried, or what was wrong with it. */
export function readChatEvent(state: ChatStreamState, data: StreamData): ChatStep {
  switch (data.kind) {
    case 'done':
      state.done = true;
      return { kind: 'pieces', pieces: [] };
    case 'error':
      return { kind: 'server-error', message: data.message };
    case 'malformed':
      return { kind: 'malformed', detail: data.detail };
    case 'json':
      break;
  }
  const chunk = data.value;
  const pieces: string[] = [];
  const choices = chunk['choices'];
  const message = object(chunk['message']);
  if (Array.isArray(choices)) {
    const choice = object(choices[0]);
    if (choices.length > 0 && !choice) return { kind: 'malformed', detail: 'a choice that is not an object' };
    if (choice) {
      const delta = object(choice['delta']) ?? object(choice['message']);
      const content = delta?.['content'];
      if (content !== undefined && content !== null && typeof content !== 'string') return { kind: 'malformed', detail: 'content that is not text' };
      if (typeof content === 'string' && content !== '') pieces.push(content);
      if (typeof choice['finish_reason'] === 'string') state.finish = choice['finish_reason'];
    }
  } else if (message) {
    const content = message['content'];
    if (typeof content === 'string' && content !== '') pieces.push(content);
    if (chunk['done'] === true) {
      state.done = true;
      state.finish = typeof chunk['done_reason'] === 'string' ? chunk['done_reason'] : 'stop';
    }
  } else if (!('usage' in chunk) && !('timings' in chunk)) {
    return { kind: 'malformed', detail: 'an event with neither choices nor a message' };
  }
  const counts = countsOfChunk(chunk);
  if (counts.promptTokens !== null) state.counts.promptTokens = counts.promptTokens;
  if (counts.outputTokens !== null) state.counts.outputTokens = counts.outputTokens;
  state.timings = timingsOfChunk(chunk) ?? state.timings;
  for (const piece of pieces) {
    state.text += piece;
    state.pieces++;
  }
  return { kind: 'pieces', pieces };
}

/** Whether the server said the answer is complete: `[DONE]`, Ollama's `done`, or a finish reason. */
export function isComplete(state: ChatStreamState): boolean {
  return state.done || state.finish !== null;
}

/** The server's finish reason in ours. */
export function finishReasonOf(state: ChatStreamState, aborted: boolean, maxNewTokens: number): FinishReason {
  if (aborted) return 'aborted';
  switch (state.finish) {
    case 'length':
      return 'length';
    case 'stopStringFound':
      return 'stop';
    case 'stop':
    case 'eos':
    case 'eosFound':
      return 'eos';
    default:
      return (state.counts.outputTokens ?? state.pieces) >= maxNewTokens ? 'length' : 'eos';
  }
}
