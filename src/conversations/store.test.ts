import { describe, expect, it } from 'vitest';
import { ConversationsFullError } from './store.ts';

describe('ConversationsFullError', () => {
  it.each<[number | null, string]>([
    [null, 'Storage is full: the newest answer could not be saved; the conversations saved before are kept. Delete old conversations or runs (or export them) to make room.'],
    [1, 'Storage is full: the newest answer could not be saved; the 1 conversation saved before is kept as it was. Delete old conversations or runs (or export them) to make room.'],
    [3, 'Storage is full: the newest answer could not be saved; the 3 conversations saved before are kept as they were. Delete old conversations or runs (or export them) to make room.'],
  ])('with %s kept, says what was lost and what is safe', (kept, message) => {
    expect(new ConversationsFullError('the newest answer', kept).message).toBe(message);
  });
});
