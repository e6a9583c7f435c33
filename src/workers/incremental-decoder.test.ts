import { describe, expect, it } from 'vitest';
import { IncrementalDecoder } from './incremental-decoder.ts';

/** A byte-level vocabulary: id = byte, decoded as UTF-8 the way a tokenizer does. */
const decodeBytes = (ids: readonly number[]): string => new TextDecoder().decode(new Uint8Array(ids));

describe('IncrementalDecoder', () => {
  it('emits ASCII one token at a time', () => {
    const d = new IncrementalDecoder(decodeBytes);
    expect([...'abc'].map((c) => d.push(c.charCodeAt(0)))).toEqual(['a', 'b', 'c']);
  });

  it('holds back a multi-byte character until it is complete', () => {
    const d = new IncrementalDecoder(decodeBytes);
    const bytes = [...new TextEncoder().encode('é€x')];
    const pieces = bytes.map((b) => d.push(b));
    expect(pieces).toEqual(['', 'é', '', '', '€', 'x']);
    expect(pieces.join('')).toBe('é€x');
  });

  it('keeps context so a SentencePiece-style leading space survives', () => {
    // A decoder that drops the leading space of the first piece, as Metaspace decoders do.
    const pieces: Record<number, string> = { 1: '▁Hello', 2: '▁world', 3: '\n', 4: '▁again' };
    const decode = (ids: readonly number[]): string => ids.map((id) => pieces[id]).join('').replace(/▁/g, ' ').replace(/^ /, '');
    const d = new IncrementalDecoder(decode);
    expect([1, 2, 3, 4].map((id) => d.push(id))).toEqual(['Hello', ' world', '\n', 'again']);
  });

  it('flushes an unfinished character at the end instead of losing it', () => {
    const d = new IncrementalDecoder(decodeBytes);
    expect(d.push(0xc3)).toBe('');
    expect(d.flush()).toBe('\uFFFD');
    expect(d.flush()).toBe('');
  });

  it('gives the same text as one whole decode on a long output with no newline', () => {
    const pieces: Record<number, string> = { 1: '▁once', 2: '▁upon', 3: '▁a', 4: '▁time' };
    const decode = (ids: readonly number[]): string => ids.map((id) => pieces[id]).join('').replace(/▁/g, ' ').replace(/^ /, '');
    const ids = Array.from({ length: 200 }, (_, i) => (i % 4) + 1);
    const d = new IncrementalDecoder(decode);
    const streamed = ids.map((id) => d.push(id)).join('') + d.flush();
    expect(streamed).toBe(decode(ids));
  });

  it('does each step with a bounded window', () => {
    let longest = 0;
    const d = new IncrementalDecoder((ids) => {
      longest = Math.max(longest, ids.length);
      return decodeBytes(ids);
    });
    for (let i = 0; i < 1000; i++) d.push(97 + (i % 26));
    expect(longest).toBeLessThanOrEqual(17);
  });
});
