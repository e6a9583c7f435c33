import { describe, expect, it } from 'vitest';
import { expectedTinyContinuation } from './tiny.ts';
import { bytesToUnicode, END_OF_TEXT_ID, tokenizerJson } from './tokenizer.ts';

describe('tokenizerJson', () => {
  it('gives every id in the vocabulary a distinct token, byte b at id b', () => {
    const json = tokenizerJson(49152) as { model: { vocab: Record<string, number> } };
    const ids = Object.values(json.model.vocab).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 49152 }, (_, i) => i));
    const table = bytesToUnicode();
    expect(json.model.vocab[table[0x61]!]).toBe(0x61);
    expect(new Set(table).size).toBe(256);
    expect(json.model.vocab['<|endoftext|>']).toBe(END_OF_TEXT_ID);
  });
});

describe('expectedTinyContinuation', () => {
  it('continues from the last byte and wraps 255 to 0', () => {
    expect(expectedTinyContinuation('a', 5)).toBe('bcdef');
    expect(expectedTinyContinuation('Hello', 3)).toBe('pqr');
    // '¿' is C2 BF in UTF-8: BF is followed by C0…FF (each invalid alone, so U+FFFD) and then 00, 01.
    expect(expectedTinyContinuation('\u00bf', 66)).toBe(`${'\ufffd'.repeat(64)}\u0000\u0001`);
  });
});
