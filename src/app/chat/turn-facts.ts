/** The line under an answer: how it ended, what the engine reused or left out, and whether its run is stored. */
import { isIncomplete, type Turn } from '../../conversations/conversation.ts';

const FINISH_WORDS: Record<Turn['finish'], string> = {
  eos: 'ended by the model',
  length: 'reached the token limit',
  stop: 'reached a stop sequence',
  context: 'context full',
  aborted: 'stopped',
  failed: 'failed',
};

export function turnFacts(turn: Turn): string[] {
  const facts = [`${turn.modelId}, ${FINISH_WORDS[turn.finish]}`];
  if (isIncomplete(turn)) facts.push('incomplete');
  if (turn.reusedPromptTokens > 0) facts.push(`${turn.reusedPromptTokens} prompt token${turn.reusedPromptTokens === 1 ? '' : 's'} reused from the previous turn`);
  if (turn.droppedMessages > 0) facts.push(`${turn.droppedMessages} earlier message${turn.droppedMessages === 1 ? '' : 's'} left out`);
  if (turn.cached) facts.push('answered from the response cache, not measured');
  else facts.push(turn.runId === null ? 'no run stored' : `run ${turn.runId} in History`);
  return facts;
}
