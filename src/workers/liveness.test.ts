import { describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.ts';
import { endedReason, liveness, LIVENESS_RULES, type LivenessVerdict, type WorkerActivity } from './liveness.ts';

const name = 'the engine worker for wf-tiny';
const generating = (over: Partial<Extract<WorkerActivity, { kind: 'generating' }>>): WorkerActivity => ({
  kind: 'generating',
  startedAt: 0,
  lastTokenAt: 1000,
  tokens: 12,
  expectedGapMs: 4,
  expectedFirstTokenMs: null,
  ...over,
});
const loading = (phase: 'fetch' | 'init' | 'warmup', lastProgressAt = 0): WorkerActivity => ({ kind: 'loading', modelId: 'wf-stories15m', phase, phaseStartedAt: 0, lastProgressAt });

describe('liveness', () => {
  it.each<{ case: string; activity: WorkerActivity; lifelineHeld?: boolean; now: number; state: LivenessVerdict['state']; deadlineMs?: number; nextCheckAt: number | null }>([
    // Idle: only an outstanding ping can make an idle worker suspect.
    { case: 'idle, no ping', activity: { kind: 'idle', pingSentAt: null }, now: 1e9, state: 'alive', nextCheckAt: null },
    { case: 'idle, ping just sent', activity: { kind: 'idle', pingSentAt: 100 }, now: 100, state: 'alive', nextCheckAt: 600 },
    { case: 'idle, ping 499 ms old', activity: { kind: 'idle', pingSentAt: 100 }, now: 599, state: 'alive', nextCheckAt: 600 },
    { case: 'idle, ping 500 ms old', activity: { kind: 'idle', pingSentAt: 100 }, now: 600, state: 'suspect', deadlineMs: 1000, nextCheckAt: 1100 },
    { case: 'idle, ping 999 ms old', activity: { kind: 'idle', pingSentAt: 100 }, now: 1099, state: 'suspect', deadlineMs: 1000, nextCheckAt: 1100 },
    { case: 'idle, ping 1 s old', activity: { kind: 'idle', pingSentAt: 100 }, now: 1100, state: 'dead', deadlineMs: 1000, nextCheckAt: null },
    { case: 'idle, ping sent "after" now (clock skew)', activity: { kind: 'idle', pingSentAt: 5000 }, now: 4000, state: 'alive', nextCheckAt: 5500 },
    // Generating, fast engine: the 3 s floor rules (10 × 4 ms = 40 ms would be jitter).
    { case: 'fast engine, 1.9 s silent', activity: generating({}), now: 2900, state: 'suspect', deadlineMs: 3000, nextCheckAt: 4000 },
    { case: 'fast engine, 1.4 s silent', activity: generating({}), now: 2400, state: 'alive', nextCheckAt: 2500 },
    { case: 'fast engine, 3 s silent', activity: generating({}), now: 4000, state: 'dead', deadlineMs: 3000, nextCheckAt: null },
    // Slow engine: 10 × the gap rules.
    { case: 'slow engine (gap 400 ms), 3.9 s silent', activity: generating({ expectedGapMs: 400 }), now: 4900, state: 'suspect', deadlineMs: 4000, nextCheckAt: 5000 },
    { case: 'slow engine (gap 400 ms), 4 s silent', activity: generating({ expectedGapMs: 400 }), now: 5000, state: 'dead', deadlineMs: 4000, nextCheckAt: null },
    { case: 'software GPU (gap 3 s), 20 s silent', activity: generating({ expectedGapMs: 3000 }), now: 21_000, state: 'suspect', deadlineMs: 30_000, nextCheckAt: 31_000 },
    { case: 'gap unknown, 9 s silent', activity: generating({ expectedGapMs: null }), now: 10_000, state: 'suspect', deadlineMs: 10_000, nextCheckAt: 11_000 },
    { case: 'gap unknown, 10 s silent', activity: generating({ expectedGapMs: null }), now: 11_000, state: 'dead', deadlineMs: 10_000, nextCheckAt: null },
    // Before the first token: prefill, judged against the first-token deadline from the start.
    { case: 'no token yet, 14 s (floor 15 s)', activity: generating({ lastTokenAt: null, tokens: 0 }), now: 14_000, state: 'suspect', deadlineMs: 15_000, nextCheckAt: 15_000 },
    { case: 'no token yet, 15 s', activity: generating({ lastTokenAt: null, tokens: 0 }), now: 15_000, state: 'dead', deadlineMs: 15_000, nextCheckAt: null },
    { case: 'no token yet, expected TTFT 6 s, 20 s', activity: generating({ lastTokenAt: null, tokens: 0, expectedFirstTokenMs: 6000 }), now: 20_000, state: 'suspect', deadlineMs: 30_000, nextCheckAt: 30_000 },
    // Loading: a download is judged by its progress, other phases by their length.
    { case: 'download, progress 10 s ago', activity: loading('fetch', 50_000), now: 60_000, state: 'alive', nextCheckAt: 65_000 },
    { case: 'download, no progress for 29 s', activity: loading('fetch', 50_000), now: 79_000, state: 'suspect', deadlineMs: 30_000, nextCheckAt: 80_000 },
    { case: 'download, no progress for 30 s', activity: loading('fetch', 50_000), now: 80_000, state: 'dead', deadlineMs: 30_000, nextCheckAt: null },
    { case: 'init, 60 s in', activity: loading('init'), now: 60_000, state: 'alive', nextCheckAt: 90_000 },
    { case: 'init, 179 s in', activity: loading('init'), now: 179_000, state: 'suspect', deadlineMs: 180_000, nextCheckAt: 180_000 },
    { case: 'init, 180 s in', activity: loading('init'), now: 180_000, state: 'dead', deadlineMs: 180_000, nextCheckAt: null },
    { case: 'warm-up, 119 s in', activity: loading('warmup'), now: 119_000, state: 'suspect', deadlineMs: 120_000, nextCheckAt: 120_000 },
    { case: 'warm-up, 120 s in', activity: loading('warmup'), now: 120_000, state: 'dead', deadlineMs: 120_000, nextCheckAt: null },
    // Pending calls, by kind.
    { case: 'abort, 1.5 s', activity: { kind: 'call', call: 'abort', since: 0 }, now: 1500, state: 'suspect', deadlineMs: 2000, nextCheckAt: 2000 },
    { case: 'abort, 2 s', activity: { kind: 'call', call: 'abort', since: 0 }, now: 2000, state: 'dead', deadlineMs: 2000, nextCheckAt: null },
    { case: 'unload, 4 s', activity: { kind: 'call', call: 'unload', since: 0 }, now: 4000, state: 'alive', nextCheckAt: 5000 },
    { case: 'unload, 10 s', activity: { kind: 'call', call: 'unload', since: 0 }, now: 10_000, state: 'dead', deadlineMs: 10_000, nextCheckAt: null },
    { case: 'footprint, 1 s', activity: { kind: 'call', call: 'footprint', since: 0 }, now: 1000, state: 'dead', deadlineMs: 1000, nextCheckAt: null },
    { case: 'other call, 4.9 s', activity: { kind: 'call', call: 'other', since: 0 }, now: 4900, state: 'suspect', deadlineMs: 5000, nextCheckAt: 5000 },
    // Idle with a lifeline lock held: the lock reports a death, the ping only a hung thread.
    { case: 'lifeline held, idle, ping 3 s old', activity: { kind: 'idle', pingSentAt: 100 }, lifelineHeld: true, now: 3100, state: 'alive', nextCheckAt: 5100 },
    { case: 'lifeline held, idle, ping 9.9 s old', activity: { kind: 'idle', pingSentAt: 100 }, lifelineHeld: true, now: 10_000, state: 'suspect', deadlineMs: 10_000, nextCheckAt: 10_100 },
    { case: 'lifeline held, idle, ping 10 s old', activity: { kind: 'idle', pingSentAt: 100 }, lifelineHeld: true, now: 10_100, state: 'dead', deadlineMs: 10_000, nextCheckAt: null },
    { case: 'lifeline held, generating: the gap rule is unchanged', activity: generating({}), lifelineHeld: true, now: 4000, state: 'dead', deadlineMs: 3000, nextCheckAt: null },
  ])('$case → $state', ({ activity, lifelineHeld, now, state, deadlineMs, nextCheckAt }) => {
    const verdict = liveness({ name, activity, lifelineHeld }, now);
    expect(verdict.state).toBe(state);
    expect(verdict.nextCheckAt).toBe(nextCheckAt);
    if (verdict.state !== 'alive') {
      expect(verdict.deadlineMs).toBe(deadlineMs);
      expect(verdict.reason.startsWith('The engine worker for wf-tiny ')).toBe(true);
    }
  });

  it.each<{ activity: WorkerActivity; now: number; reason: string }>([
    {
      activity: { kind: 'idle', pingSentAt: 0 },
      now: 1200,
      reason: 'The engine worker for wf-tiny stopped responding and is treated as dead: no answer to a ping for 1.2 s while idle (the limit is 1.0 s); its loaded model is gone and must be loaded again.',
    },
    {
      activity: generating({}),
      now: 4500,
      reason: 'The engine worker for wf-tiny stopped responding and is treated as dead: no token for 3.5 s while generating (the limit is 3.0 s; a token usually comes every 4 ms); the generation stopped after 12 tokens; the rest of it is lost.',
    },
    {
      activity: generating({ expectedGapMs: 400, tokens: 1 }),
      now: 3000,
      reason: 'The engine worker for wf-tiny is not answering: no token for 2.0 s while generating (the limit is 4.0 s; a token usually comes every 0.4 s).',
    },
    {
      activity: generating({ lastTokenAt: null, tokens: 0 }),
      now: 16_000,
      reason: 'The engine worker for wf-tiny stopped responding and is treated as dead: no first token after 16.0 s (the limit is 15.0 s); the generation produced nothing.',
    },
    {
      activity: loading('fetch', 10_000),
      now: 40_000,
      reason: 'The engine worker for wf-tiny stopped responding and is treated as dead: no download progress for 30.0 s (the limit is 30.0 s); the load of wf-stories15m did not finish.',
    },
    {
      activity: loading('init'),
      now: 200_000,
      reason: 'The engine worker for wf-tiny stopped responding and is treated as dead: still in the start-up phase after 200.0 s (the limit is 180.0 s); the load of wf-stories15m did not finish.',
    },
    {
      activity: { kind: 'call', call: 'unload', since: 0 },
      now: 10_000,
      reason: 'The engine worker for wf-tiny stopped responding and is treated as dead: no answer to its unload call for 10.0 s (the limit is 10.0 s); the unload did not complete.',
    },
    {
      activity: { kind: 'call', call: 'abort', since: 0 },
      now: 2000,
      reason: 'The engine worker for wf-tiny stopped responding and is treated as dead: no answer to its abort call for 2.0 s (the limit is 2.0 s); the generation it was asked to stop may still be holding the engine.',
    },
  ])('says what went silent and what was lost: $reason', ({ activity, now, reason }) => {
    const verdict = liveness({ name, activity }, now);
    expect(verdict.state === 'alive' ? null : verdict.reason).toBe(reason);
  });

  it('takes its deadlines from the rules it is given', () => {
    const rules = { ...LIVENESS_RULES, pingDeadlineMs: 200 };
    expect(liveness({ name, activity: { kind: 'idle', pingSentAt: 0 } }, 200, rules).state).toBe('dead');
    expect(liveness({ name, activity: { kind: 'idle', pingSentAt: 0 } }, 200).state).toBe('alive');
  });

  it.each([1, 4, 50, 200, 480])('a watcher re-checking at nextCheckAt reports a silent death within 5 s of the last token (gap %d ms)', async (gapMs) => {
    const clock = new ManualClock(10_000);
    const lastTokenAt = clock.now();
    let verdict: LivenessVerdict | null = null;
    const check = () => {
      verdict = liveness({ name, activity: generating({ lastTokenAt, expectedGapMs: gapMs }) }, clock.now());
      if (verdict.nextCheckAt !== null) clock.setTimeout(check, verdict.nextCheckAt - clock.now());
    };
    check();
    const took = await clock.runUntil(() => verdict?.state === 'dead', 60_000);
    expect(took).toBeLessThanOrEqual(5000);
    expect(took).toBe(Math.max(10 * gapMs, 3000));
  });

  it.each<{ activity: WorkerActivity; reason: string }>([
    { activity: { kind: 'idle', pingSentAt: null }, reason: 'The engine worker for wf-tiny has ended without a word (it closed, or the browser ended it); its loaded model is gone and must be loaded again.' },
    { activity: { kind: 'idle', pingSentAt: 0 }, reason: 'The engine worker for wf-tiny has ended without a word (it closed, or the browser ended it); its loaded model is gone and must be loaded again.' },
    { activity: generating({ tokens: 57 }), reason: 'The engine worker for wf-tiny has ended without a word (it closed, or the browser ended it); the generation stopped after 57 tokens; the rest of it is lost.' },
    { activity: loading('init'), reason: 'The engine worker for wf-tiny has ended without a word (it closed, or the browser ended it); the load of wf-stories15m did not finish.' },
  ])('a worker whose lifeline came free, $activity.kind: "$reason"', ({ activity, reason }) => {
    expect(endedReason({ name, activity })).toBe(reason);
  });
});
