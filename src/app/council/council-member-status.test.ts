import { describe, expect, it } from 'vitest';
import type { MemberView } from './council-store.ts';
import { memberStatusText } from './council-member-status.ts';

const view = (state: MemberView['state'], recentRestarts = 0, lastFault: string | null = null, keptOut = false): MemberView => ({ state, recentRestarts, lastFault, keptOut });

describe('memberStatusText', () => {
  it.each([
    [view('unloaded'), 'not loaded', 'quiet'],
    [view('loading'), 'loading', 'busy'],
    [view('idle'), 'loaded, idle', 'quiet'],
    [view('busy'), 'generating', 'busy'],
    [view('unloading'), 'unloading', 'busy'],
  ] as const)('%o → %s', (v, text, tone) => {
    expect(memberStatusText(v)).toEqual({ text, tone, detail: null, action: null });
  });

  it('shows nothing before the scheduler spoke of the member', () => {
    expect(memberStatusText(undefined)).toBeNull();
  });

  it('counts restarts and keeps the scheduler’s sentence as the detail', () => {
    const fault = 'A crashed (its worker was killed); it gets a fresh worker (restart 1 of 2 within 5 min).';
    expect(memberStatusText(view('unloaded', 1, fault))).toEqual({ text: 'not loaded · restarted once in a fresh worker', tone: 'warn', detail: fault, action: null });
    expect(memberStatusText(view('busy', 2, fault))?.text).toBe('generating · restarted 2 times in a fresh worker');
  });

  const removal = 'A crashed again, after 2 restarts within 5 min: it is removed from the council; the others carry on.';
  it.each([
    {
      name: 'removed and kept out: says so and offers to add it back',
      view: view('removed', 2, removal, true),
      expected: { text: 'removed after repeated faults; the next Run leaves it out until you add it back', tone: 'bad', detail: removal, action: 'add-back' },
    },
    {
      name: 'added back by the user: rejoins at the next Run, no second offer',
      view: view('removed', 2, removal, false),
      expected: { text: 'removed after repeated faults; added back: it rejoins in a fresh worker at the next Run', tone: 'warn', detail: removal, action: null },
    },
    {
      name: 'back in the council: its state again, the removal forgotten',
      view: view('idle', 0, null, false),
      expected: { text: 'loaded, idle', tone: 'quiet', detail: null, action: null },
    },
  ] as const)('$name', ({ view: v, expected }) => {
    expect(memberStatusText(v)).toEqual(expected);
  });
});
