/**
 * The prompt a model without a chat template gets for a conversation. Base models have never seen
 * a chat format, so the most neutral one is a transcript: each message on its own paragraph, its
 * role spelled out, ending with the assistant's label so that what the model writes next is the
 * answer. The label has no trailing space because BPE tokenizers attach the space to the next word.
 */
import type { ChatMessage, ChatRole } from '../models/chat.ts';

const ROLE_LABEL: Record<ChatRole, string> = { system: 'System', user: 'User', assistant: 'Assistant' };

export const PLAIN_ASSISTANT_PREFIX = `${ROLE_LABEL.assistant}:`;

export function formatPlainChat(messages: readonly ChatMessage[]): string {
  return [...messages.map((m) => `${ROLE_LABEL[m.role]}: ${m.content}`), PLAIN_ASSISTANT_PREFIX].join('\n\n');
}
