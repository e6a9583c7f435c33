import type { Conversation, Turn } from './conversation.ts';

export function sampleTurn(user: string, assistant: string, overrides: Partial<Turn> = {}): Turn {
  return { user, assistant, at: 1_700_000_001_000, modelId: 'wf-tiny', runId: 42, finish: 'length', droppedMessages: 0, reusedPromptTokens: 0, cached: false, ...overrides };
}

export function sampleConversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: 'c-1',
    title: 'Bees',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_003_000,
    modelId: 'wf-tiny',
    systemPrompt: 'Be brief.',
    turns: [sampleTurn('q1', 'a1'), sampleTurn('q2', 'a2'), sampleTurn('q3', 'a3')],
    ...overrides,
  };
}
