import { describe, expect, it } from 'vitest';
import { formatPlainChat } from './plain-chat-format.ts';
import type { ChatMessage } from '../models/chat.ts';

describe('formatPlainChat', () => {
  it.each<[string, ChatMessage[], string]>([
    ['one user turn', [{ role: 'user', content: 'Hi' }], 'User: Hi\n\nAssistant:'],
    [
      'a system prompt first',
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      'System: Be brief.\n\nUser: Hi\n\nAssistant:',
    ],
    [
      'earlier turns in order',
      [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
        { role: 'user', content: 'c' },
      ],
      'User: a\n\nAssistant: b\n\nUser: c\n\nAssistant:',
    ],
    ['content kept verbatim, newlines included', [{ role: 'user', content: 'x\n\ny ' }], 'User: x\n\ny \n\nAssistant:'],
  ])('%s', (_name, messages, expected) => {
    expect(formatPlainChat(messages)).toBe(expected);
  });

  it('extends the previous turn’s prompt, so a cache of it can be reused', () => {
    const first: ChatMessage[] = [{ role: 'user', content: 'a' }];
    const second: ChatMessage[] = [...first, { role: 'assistant', content: 'b' }, { role: 'user', content: 'c' }];
    expect(formatPlainChat(second).startsWith(formatPlainChat(first))).toBe(true);
  });
});
