import { describe, expect, it } from 'vitest';
import { RESTART_DEFAULTS, faultedJobFate, recentRestarts, repeatedFailure, restartOrRemove, type FaultedJob, type RestartPolicy } from './restart-rule.ts';

// Two fresh workers per 5 minutes; three engine errors in a row count as a fault.
const policy: RestartPolicy = { ...RESTART_DEFAULTS };
const MIN = 60_000;
const fault = (restartTimesMs: number[], nowMs: number) => ({ label: 'A', what: 'A crashed (boom)', restartTimesMs, nowMs });

describe('recentRestarts', () => {
  it.each([
    ['none', [], 10 * MIN, []],
    ['all within the window', [1 * MIN, 2 * MIN], 3 * MIN, [1 * MIN, 2 * MIN]],
    ['exactly one window ago no longer counts', [0, 1 * MIN], 5 * MIN, [1 * MIN]],
    ['just under one window ago still counts', [1, 1 * MIN], 5 * MIN, [1, 1 * MIN]],
    ['all too old', [0, 1 * MIN], 20 * MIN, []],
  ] as const)('%s', (_name, times, now, kept) => {
    expect(recentRestarts(times, now, policy.windowMs)).toEqual(kept);
  });
});

describe('repeatedFailure', () => {
  it.each([
    [0, null],
    [1, null],
    [2, null],
    [3, 'A failed 3 times in a row'],
    [4, 'A failed 4 times in a row'],
  ] as const)('%i errors in a row → %s', (n, what) => {
    expect(repeatedFailure('A', n, policy)).toBe(what);
  });

  it('follows the policy', () => {
    expect(repeatedFailure('B', 1, { ...policy, maxConsecutiveFailures: 1 })).toBe('B failed 1 times in a row');
    expect(repeatedFailure('B', 4, { ...policy, maxConsecutiveFailures: 5 })).toBeNull();
  });
});

describe('restartOrRemove', () => {
  it.each([
    // name, earlier restarts, now, action, restart times after
    ['first fault: restart', [], 1 * MIN, 'restart', [1 * MIN]],
    ['second fault within the window: restart', [1 * MIN], 2 * MIN, 'restart', [1 * MIN, 2 * MIN]],
    ['third fault within the window: remove', [1 * MIN, 2 * MIN], 3 * MIN, 'remove', [1 * MIN, 2 * MIN]],
    ['third fault, the first restart exactly one window old: restart', [1 * MIN, 2 * MIN], 6 * MIN, 'restart', [2 * MIN, 6 * MIN]],
    ['third fault, the first restart 1 ms short of a window: remove', [1 * MIN, 2 * MIN], 6 * MIN - 1, 'remove', [1 * MIN, 2 * MIN]],
    ['faults far apart always restart', [0, 10 * MIN], 20 * MIN, 'restart', [20 * MIN]],
    ['old restarts are forgotten when removing too', [0, 8 * MIN, 9 * MIN], 10 * MIN, 'remove', [8 * MIN, 9 * MIN]],
  ] as const)('%s', (_name, times, now, action, after) => {
    const decision = restartOrRemove(fault([...times], now), policy);
    expect(decision.action).toBe(action);
    expect(decision.restartTimesMs).toEqual(after);
  });

  it('does not change the times it is given', () => {
    const times = [1 * MIN];
    restartOrRemove(fault(times, 2 * MIN), policy);
    expect(times).toEqual([1 * MIN]);
  });

  it('says which restart it is, and of how many in how long', () => {
    expect(restartOrRemove(fault([], 0), policy)).toEqual({
      action: 'restart',
      restartTimesMs: [0],
      fate: 'it was restarted in a fresh worker',
      notice: 'A crashed (boom); it gets a fresh worker (restart 1 of 2 within 5 min).',
    });
    expect(restartOrRemove(fault([0], 1000), policy).notice).toBe('A crashed (boom); it gets a fresh worker (restart 2 of 2 within 5 min).');
  });

  it('says why it removes the member, and what its queued work is told', () => {
    expect(restartOrRemove(fault([0, 1000], 2000), policy)).toEqual({
      action: 'remove',
      restartTimesMs: [0, 1000],
      fate: 'it was removed from the council',
      notice: 'A crashed (boom) again, after 2 restarts within 5 min: it is removed from the council; the others carry on.',
      queuedMessage: 'A was removed from the council after repeated failures.',
    });
  });

  it.each([
    // maxRestarts, windowMs, earlier restarts, now, action, notice
    [0, 5 * MIN, [], 0, 'remove', 'A crashed (boom) again, after 0 restarts within 5 min: it is removed from the council; the others carry on.'],
    [3, 5 * MIN, [0, 1], 2, 'restart', 'A crashed (boom); it gets a fresh worker (restart 3 of 3 within 5 min).'],
    [1, 90_000, [], 0, 'restart', 'A crashed (boom); it gets a fresh worker (restart 1 of 1 within 2 min).'],
    [1, 90_000, [0], 89_999, 'remove', 'A crashed (boom) again, after 1 restarts within 2 min: it is removed from the council; the others carry on.'],
    [1, 20_000, [0], 20_000, 'restart', 'A crashed (boom); it gets a fresh worker (restart 1 of 1 within 0 min).'],
  ] as const)('follows the policy: %i restarts per %i ms', (maxRestarts, windowMs, times, now, action, notice) => {
    const decision = restartOrRemove(fault([...times], now), { ...policy, maxRestarts, windowMs });
    expect(decision.action).toBe(action);
    expect(decision.notice).toBe(notice);
  });
});

describe('faultedJobFate', () => {
  const job = (extra: Partial<FaultedJob> = {}): FaultedJob => ({ cancelling: false, retryAllowed: true, attempts: 1, tokensReceived: 0, tokensDelivered: 0, ...extra });
  const restarted = { action: 'restart', fate: 'it was restarted in a fresh worker' } as const;
  const removed = { action: 'remove', fate: 'it was removed from the council' } as const;
  const what = 'A stopped answering (no token for 10.2 s)';

  it.each([
    // name, job, decision, fate
    ['no token yet, first run, restarted: runs again', job(), restarted, 'retry'],
    ['no token yet, second run: fails', job({ attempts: 2 }), restarted, 'fail'],
    ['no token yet, the request says no retry: fails', job({ retryAllowed: false }), restarted, 'fail'],
    ['no token yet, but the member is removed: fails', job(), removed, 'fail'],
    ['one token received (none delivered yet): fails, never shown twice', job({ tokensReceived: 1 }), restarted, 'fail'],
    ['cancelled before the fault: cancelled', job({ cancelling: true }), restarted, 'cancel'],
    ['cancelled, member removed: cancelled', job({ cancelling: true, tokensReceived: 5 }), removed, 'cancel'],
    ['cancelled wins over a retry it could have had', job({ cancelling: true, attempts: 0 }), restarted, 'cancel'],
    ['not yet started (attempt 0) is retried', job({ attempts: 0 }), restarted, 'retry'],
  ] as const)('%s', (_name, j, decision, action) => {
    expect(faultedJobFate(j, what, decision).action).toBe(action);
  });

  it.each([
    [job(), restarted, 'A stopped answering (no token for 10.2 s) before its first token; the prompt runs again on the fresh worker.'],
    [job({ attempts: 2 }), restarted, 'A stopped answering (no token for 10.2 s); it was restarted in a fresh worker.'],
    [job({ tokensReceived: 2, tokensDelivered: 2 }), restarted, 'A stopped answering (no token for 10.2 s) after 2 tokens; it was restarted in a fresh worker. The text so far is kept.'],
    [job({ tokensReceived: 3, tokensDelivered: 0 }), restarted, 'A stopped answering (no token for 10.2 s) after 3 tokens; it was restarted in a fresh worker.'],
    [job({ tokensReceived: 7, tokensDelivered: 4 }), removed, 'A stopped answering (no token for 10.2 s) after 7 tokens; it was removed from the council. The text so far is kept.'],
    [job(), removed, 'A stopped answering (no token for 10.2 s); it was removed from the council.'],
  ] as const)('says what became of it: %#', (j, decision, message) => {
    expect(faultedJobFate(j, what, decision)).toMatchObject({ message });
  });
});
