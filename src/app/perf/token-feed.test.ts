import { describe, expect, it } from 'vitest';
import { TokenFeed, type StreamEvent, type TokenEvent } from './token-feed.ts';

const token = (text: string, position: number): TokenEvent => ({ lane: 'session', label: 'wf-tiny', streamId: 's1', text, position, tokens: 1, at: position });

describe('TokenFeed', () => {
  it('hands tokens and stream events to every listener in order, until it unsubscribes', () => {
    const feed = new TokenFeed();
    const seen: string[] = [];
    const ends: StreamEvent[] = [];
    const unsubscribe = feed.subscribe({ tokens: (e) => seen.push(e.text), stream: (e) => ends.push(e) });
    feed.subscribe({ tokens: (e) => seen.push(e.text.toUpperCase()) });
    feed.tokens(token('a', 0));
    feed.stream({ lane: 'session', label: 'wf-tiny', streamId: 's1', kind: 'end', at: 1 });
    unsubscribe();
    feed.tokens(token('b', 1));
    expect(seen).toEqual(['a', 'A', 'B']);
    expect(ends.map((e) => e.kind)).toEqual(['end']);
  });
});
