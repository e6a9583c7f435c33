import { describe, expect, it } from 'vitest';
import { turnFacts } from './turn-facts.ts';
import { sampleTurn } from '../../conversations/fixtures.ts';

describe('turnFacts', () => {
  it.each<[string, Parameters<typeof sampleTurn>[2], string[]]>([
    ['a plain answer', {}, ['wf-tiny, reached the token limit', 'run 42 in History']],
    ['stopped', { finish: 'aborted' }, ['wf-tiny, stopped', 'incomplete', 'run 42 in History']],
    ['failed with no run', { finish: 'failed', runId: null }, ['wf-tiny, failed', 'incomplete', 'no run stored']],
    ['with reuse and dropped messages', { finish: 'eos', reusedPromptTokens: 1, droppedMessages: 2 }, ['wf-tiny, ended by the model', '1 prompt token reused from the previous turn', '2 earlier messages left out', 'run 42 in History']],
    ['from the response cache', { finish: 'eos', runId: null, cached: true }, ['wf-tiny, ended by the model', 'answered from the response cache, not measured']],
  ])('%s', (_, overrides, facts) => {
    expect(turnFacts(sampleTurn('q', 'a', overrides))).toEqual(facts);
  });
});
