import { describe, expect, it } from 'vitest';
import { closedKeyOf, mergeEvents, mergeKeyOf } from './event-merge.ts';
import type { PluginEvent } from './protocol.ts';

const token = (streamId: string, text: string, at: number, position = 0): PluginEvent => ({ type: 'token', lane: 'm1', label: 'm1', streamId, text, position, tokens: text.length, at });
const rate = (at: number, ...lanes: [string, number][]): PluginEvent => ({ type: 'rate', at, lanes: lanes.map(([lane, tps]) => ({ lane, label: lane, tokensPerSecond: tps, energy: tps / 100 })) });
const turn = (type: 'turn-start' | 'turn-end', streamId: string): PluginEvent => ({ type, lane: 'm1', label: 'm1', streamId, at: 0 });
const state: PluginEvent = { type: 'member-state', lane: 'm1', label: 'm1', state: 'busy', at: 0 };

describe('which events merge', () => {
  it.each([
    ['a token, by its stream', token('s1', 'a', 0), 'token:s1', null],
    ['a rate, into the one rate', rate(0, ['m1', 5]), 'rate', null],
    ['a turn start closes its stream', turn('turn-start', 's1'), null, 'token:s1'],
    ['a turn end closes its stream', turn('turn-end', 's2'), null, 'token:s2'],
    ['a member state never merges', state, null, null],
  ])('%s', (_, event, key, closes) => {
    expect(mergeKeyOf(event)).toBe(key);
    expect(closedKeyOf(event)).toBe(closes);
  });
});

describe('mergeEvents', () => {
  it('appends a stream’s text, sums its tokens, keeps its first position and takes the last time', () => {
    const first = token('s1', 'ab', 10);
    expect(mergeEvents(first, token('s1', 'c', 30, 2))).toEqual({ ...first, text: 'abc', tokens: 3, at: 30 });
    expect(first).toEqual(token('s1', 'ab', 10));
  });

  it.each([
    ['the newer reading of a lane replaces the older', rate(250, ['m1', 10], ['m2', 20]), rate(500, ['m1', 12]), rate(500, ['m1', 12], ['m2', 20])],
    ['a lane new to the series joins it', rate(250, ['m1', 10]), rate(500, ['m2', 7]), rate(500, ['m1', 10], ['m2', 7])],
    ['both lanes newer', rate(250, ['m1', 10], ['m2', 20]), rate(500, ['m2', 3], ['m1', 4]), rate(500, ['m1', 4], ['m2', 3])],
  ])('rates: %s', (_, waiting, next, merged) => {
    const before = structuredClone(waiting);
    expect(mergeEvents(waiting, next)).toEqual(merged);
    expect(waiting).toEqual(before);
  });

  it('refuses to merge events of other kinds or streams', () => {
    expect(() => mergeEvents(token('s1', 'a', 0), token('s2', 'b', 0))).toThrow(/does not merge/);
    expect(() => mergeEvents(rate(0), state)).toThrow(/member-state event does not merge into a rate event/);
  });
});
