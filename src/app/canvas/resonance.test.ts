import { describe, expect, it } from 'vitest';
import { ResonanceTracker, compareSpan, turnOf } from './resonance.ts';

describe('compareSpan', () => {
  it.each([
    ['same text at the same place', ' the', 5, 'hello the end', 'resonance'],
    ['different text', ' cat', 5, 'hello the end', 'interference'],
    ['the other answer is shorter', ' the', 20, 'hello the end', null],
    ['partial overlap that agrees', ' end!!', 9, 'hello the end', 'resonance'],
    ['partial overlap that differs', ' and!!', 9, 'hello the end', 'interference'],
    ['empty text', '', 0, 'abc', null],
  ] as const)('%s', (_name, text, offset, other, expected) => {
    expect(compareSpan(text, offset, other)).toBe(expected);
  });
});

describe('turnOf', () => {
  it.each([
    ['t3:1-sim-fast', 't3'],
    ['t12:2-wf-tiny', 't12'],
    ['session-1700000000', 'session-1700000000'],
  ])('%s → %s', (stream, turn) => expect(turnOf(stream)).toBe(turn));
});

describe('ResonanceTracker', () => {
  it('judges each piece against the other members of the same turn', () => {
    const tracker = new ResonanceTracker();
    expect(tracker.add('A', 't1:A', 'bcd')).toEqual({ resonant: [], interfering: [] });
    expect(tracker.add('B', 't1:B', 'bc')).toEqual({ resonant: ['A'], interfering: [] });
    expect(tracker.add('C', 't1:C', 'xy')).toEqual({ resonant: [], interfering: ['A', 'B'] });
    // B continues at offset 2: A has "d" there, C has nothing yet.
    expect(tracker.add('B', 't1:B', 'd')).toEqual({ resonant: ['A'], interfering: [] });
    expect(tracker.add('B', 't1:B', 'q')).toEqual({ resonant: [], interfering: [] });
  });

  it('never compares across turns', () => {
    const tracker = new ResonanceTracker();
    tracker.add('A', 't1:A', 'same');
    expect(tracker.add('B', 't2:B', 'same')).toEqual({ resonant: [], interfering: [] });
  });

  it('forgets the oldest turns beyond what it keeps', () => {
    const tracker = new ResonanceTracker(2);
    tracker.add('A', 't1:A', 'x');
    tracker.add('A', 't2:A', 'x');
    tracker.add('A', 't3:A', 'x');
    expect(tracker.add('B', 't1:B', 'x')).toEqual({ resonant: [], interfering: [] });
    expect(tracker.add('B', 't3:B', 'x')).toEqual({ resonant: ['A'], interfering: [] });
  });
});
