import { describe, expect, it } from 'vitest';
import type { MemberView } from './council.ts';
import { memberStatusText } from './council-member-status.ts';

const view = (state: MemberView['state'], recentRestarts = 0, lastFault: string | null = null): MemberView => ({ state, recentRestarts, lastFault });

describe('memberStatusText', () => {
  it.each([
    [view('unloaded'), 'not loaded', 'quiet'],
    [view('loading'), 'loading', 'busy'],
    [view('idle'), 'loaded, idle', 'quiet'],
    [view('busy'), 'generating', 'busy'],
    [view('unloading'), 'unloading', 'busy'],
  ] as const)('%o → %s', (v, text, tone) => {
    expect(memberStatusText(v)).toEqual({ text, tone, detail: null });
  });

  it('shows nothing before the scheduler spoke of the member', () => {
    expect(memberStatusText(undefined)).toBeNull();
  });

  it('counts restarts and keeps the scheduler’s sentence as the detail', () => {
    const fault = 'A crashed (its worker was killed); it gets a fresh worker (restart 1 of 2 within 5 min).';
    expect(memberStatusText(view('unloaded', 1, fault))).toEqual({ text: 'not loaded · restarted once in a fresh worker', tone: 'warn', detail: fault });
    expect(memberStatusText(view('busy', 2, fault))?.text).toBe('generating · restarted 2 times in a fresh worker');
  });

  it('says a removed member is out, why, and how it comes back', () => {
    const s = memberStatusText(view('removed', 2, 'A crashed again, after 2 restarts within 5 min: it is removed from the council; the others carry on.'));
    expect(s?.tone).toBe('bad');
    expect(s?.text).toMatch(/^removed after repeated faults; it rejoins in a fresh worker at the next Run$/);
    expect(s?.detail).toMatch(/removed from the council/);
  });
});
