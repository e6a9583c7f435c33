import { describe, expect, it } from 'vitest';
import { memberStateChanges, type MemberObservation } from './member-state-changes.ts';
import type { MemberState } from '../../scheduler/protocol.ts';

const snap = (id: string, state: MemberState): MemberObservation => ({ kind: 'snapshot', id, label: `L-${id}`, state });

describe('memberStateChanges', () => {
  const cases: [string, [string, MemberState][], MemberObservation[], { lane: string; state: MemberState; code?: string }[]][] = [
    ['first sight of a member is a change', [], [snap('a', 'loading')], [{ lane: 'a', state: 'loading' }]],
    ['same state again (footprint or last use changed) is no event', [['a', 'busy']], [snap('a', 'busy')], []],
    ['loading → idle → busy → idle, in order', [['a', 'loading']], [snap('a', 'idle'), snap('a', 'busy'), snap('a', 'idle')], [
      { lane: 'a', state: 'idle' },
      { lane: 'a', state: 'busy' },
      { lane: 'a', state: 'idle' },
    ]],
    ['two members, one unchanged', [['a', 'idle'], ['b', 'idle']], [snap('a', 'idle'), snap('b', 'busy')], [{ lane: 'b', state: 'busy' }]],
    ['a restart after a crash is an event with its code, in the state it was left', [['a', 'unloaded']], [
      { kind: 'fault', id: 'a', label: 'L-a', removed: false, code: 'member-crashed', message: 'A crashed; restarted.' },
    ], [{ lane: 'a', state: 'unloaded', code: 'member-crashed' }]],
    ['a removal is removed, with its code', [['a', 'busy']], [
      { kind: 'fault', id: 'a', label: 'L-a', removed: true, code: 'member-hung', message: 'A hung 3 times; removed.' },
    ], [{ lane: 'a', state: 'removed', code: 'member-hung' }]],
    ['back after removal is a change', [['a', 'removed']], [snap('a', 'loading')], [{ lane: 'a', state: 'loading' }]],
  ];
  it.each(cases)('%s', (_name, before, observations, expected) => {
    const { events, states } = memberStateChanges(new Map(before), observations, 42);
    expect(events.map((e) => ({ lane: e.lane, state: e.state, ...(e.error ? { code: e.error.code } : {}) }))).toEqual(expected);
    for (const e of events) expect(e.at).toBe(42);
    const last = observations.at(-1);
    if (last) expect(states.get(last.id)).toBe(expected.at(-1)?.state ?? new Map(before).get(last.id));
  });

  it('does not change the states it was given, and shortens a long message', () => {
    const before = new Map<string, MemberState>([['a', 'idle']]);
    const { events } = memberStateChanges(before, [{ kind: 'fault', id: 'a', label: 'A', removed: false, code: 'load-failed', message: 'x'.repeat(1000) }], 1);
    expect(before.get('a')).toBe('idle');
    expect(events[0]!.error!.message).toHaveLength(300);
  });
});
