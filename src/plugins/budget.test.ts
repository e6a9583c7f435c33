import { describe, expect, it } from 'vitest';
import { applyBudget, CostMeter, DEFAULT_LIMITS, INITIAL_BUDGET_STATE, type BudgetSample, type BudgetState, type CostReading } from './budget.ts';

const cost = (msPerFrame: number, extra: Partial<CostReading> = {}): CostReading => ({
  spanMs: 1000,
  frames: 60,
  msPerFrame,
  workerMsPerFrame: msPerFrame,
  compositeMsPerFrame: 0,
  eventsPerSecond: 0,
  messagesPerSecond: 0,
  messagesInWindow: 0,
  ...extra,
});
const sample = (now: number, c: CostReading, patch: Partial<BudgetSample> = {}): BudgetSample => ({ now, cost: c, inFlightSince: null, memoryBytes: null, crashed: null, ...patch });
const st = (state: BudgetState['state'], overSince: number | null = null, underSince: number | null = null): BudgetState => ({ state, overSince, underSince });

describe('applyBudget: one step', () => {
  it.each([
    // name, previous state, sample, expected state, expected action
    ['under budget: nothing', st('running'), sample(1000, cost(2)), st('running'), null],
    ['exactly at the budget is not over', st('running'), sample(1000, cost(5)), st('running'), null],
    ['over budget: throttled at once', st('running'), sample(1000, cost(5.1)), st('throttled', 1000), 'throttle'],
    ['too little history: not judged', st('running'), sample(100, cost(50, { spanMs: 150 })), st('running'), null],
    ['throttled and still over, 4.9 s: stays', st('throttled', 1000), sample(5900, cost(9)), st('throttled', 1000), null],
    ['throttled and over for 5 s: paused', st('throttled', 1000), sample(6000, cost(9)), st('paused'), 'pause'],
    ['over, then a dip under: the 5 s start again', st('throttled', 1000), sample(3000, cost(4)), st('throttled', null, null), null],
    ['throttled, calm: the calm clock starts', st('throttled', null), sample(3000, cost(1)), st('throttled', null, 3000), null],
    ['throttled, calm for 2 s: running again', st('throttled', null, 3000), sample(5000, cost(1)), st('running'), 'unthrottle'],
    ['throttled, between half and the budget: calm clock resets', st('throttled', null, 3000), sample(4000, cost(3)), st('throttled', null, null), null],
    ['no answer for 999 ms: waits', st('running'), sample(1999, cost(0), { inFlightSince: 1000 }), st('running'), null],
    ['no answer for 1 s: terminated', st('running'), sample(2000, cost(0), { inFlightSince: 1000 }), st('disabled'), 'terminate'],
    ['no answer, even while judging is too early', st('running'), sample(1200, cost(0, { spanMs: 10 }), { inFlightSince: 100 }), st('disabled'), 'terminate'],
    ['crash: disabled', st('throttled', 10), sample(1000, cost(0), { crashed: 'TypeError: x is undefined' }), st('disabled'), 'disable'],
    ['message flood: terminated', st('running'), sample(1000, cost(0, { messagesPerSecond: 5000, messagesInWindow: 5000 })), st('disabled'), 'terminate'],
    ['a short burst of messages is no flood', st('running'), sample(1000, cost(0, { messagesPerSecond: 300, messagesInWindow: 10, spanMs: 30 })), st('running'), null],
    ['memory over the limit: terminated', st('running'), sample(1000, cost(0), { memoryBytes: DEFAULT_LIMITS.memoryBytes + 1 }), st('disabled'), 'terminate'],
    ['paused stays paused', st('paused'), sample(9000, cost(50)), st('paused'), null],
    ['disabled stays disabled', st('disabled'), sample(9000, cost(50), { crashed: 'again' }), st('disabled'), null],
  ])('%s', (_name, prev, s, expectedState, expectedAction) => {
    const step = applyBudget(prev, s);
    expect(step.state).toEqual(expectedState);
    expect(step.decision?.action ?? null).toBe(expectedAction);
  });

  it('says the cost and the budget in its reason', () => {
    const step = applyBudget(st('throttled', 0), sample(5000, cost(12.34, { workerMsPerFrame: 12, compositeMsPerFrame: 0.34 })));
    expect(step.decision?.reason).toBe('over budget for 5.0 s: 12.3 ms per frame (worker 12.0, compositing 0.3; budget 5 ms)');
  });
});

describe('applyBudget over time (manual clock)', () => {
  /** Drives the rule every frame with a constant cost; returns when each action happened. */
  function drive(msPerFrame: number, untilMs: number, inFlightFrom: number | null = null) {
    let state = INITIAL_BUDGET_STATE;
    const actions: [string, number][] = [];
    for (let now = 0; now <= untilMs; now += 16) {
      const step = applyBudget(state, sample(now, cost(msPerFrame, { spanMs: Math.min(1000, now) }), { inFlightSince: inFlightFrom }));
      state = step.state;
      if (step.decision) actions.push([step.decision.action, now]);
    }
    return actions;
  }

  it('a plugin costing 20 ms a frame is throttled within 1 s and paused within 6 s', () => {
    const actions = drive(20, 8000);
    expect(actions.map(([a]) => a)).toEqual(['throttle', 'pause']);
    expect(actions[0]![1]).toBeLessThanOrEqual(1000);
    expect(actions[1]![1]).toBeLessThanOrEqual(6000);
  });

  it('an endless loop is terminated within 2 s', () => {
    const actions = drive(0, 3000, 300);
    // The first 16 ms frame at or after 300 + 1000 ms.
    expect(actions).toEqual([['terminate', 1312]]);
  });

  it('a cheap plugin is never touched', () => {
    expect(drive(1, 20000)).toEqual([]);
  });
});

describe('CostMeter', () => {
  it('sums worker and compositing time per frame over the window', () => {
    const meter = new CostMeter(1000);
    meter.start(0);
    for (let t = 0; t < 1000; t += 100) meter.frame(t); // 10 frames
    meter.answered(500, 30);
    meter.composited(600, 10);
    meter.delivered(500, 40);
    const r = meter.read(999);
    expect(r.frames).toBe(10);
    expect(r.msPerFrame).toBe(4);
    expect(r.workerMsPerFrame).toBe(3);
    expect(r.compositeMsPerFrame).toBe(1);
    expect(r.eventsPerSecond).toBeCloseTo(40.04, 1);
  });

  it('forgets what left the window', () => {
    const meter = new CostMeter(1000, 30);
    meter.start(0);
    meter.answered(0, 100);
    meter.message(0);
    for (let t = 0; t <= 1500; t += 16) meter.frame(t);
    const r = meter.read(1500);
    expect(r.msPerFrame).toBe(0);
    expect(r.messagesInWindow).toBe(0);
    expect(r.spanMs).toBe(1000);
  });

  it('reaches back at least 30 frames when frames are few (a loaded page)', () => {
    const meter = new CostMeter(1000, 30);
    meter.start(0);
    // 4 frames a second: a batch answered every 4 frames (1 s apart), 80 ms each.
    for (let f = 0; f < 60; f++) {
      const t = f * 250;
      meter.frame(t);
      if (f % 4 === 0) meter.answered(t, 80);
    }
    const r = meter.read(59 * 250);
    expect(r.frames).toBe(30);
    expect(r.msPerFrame).toBeGreaterThan(5);
    expect(r.spanMs).toBeCloseTo(29 * 250, 0);
  });

  it('keeps percentiles of what it recorded', () => {
    const meter = new CostMeter(1000);
    for (let i = 1; i <= 100; i++) meter.record(i);
    expect(meter.percentiles()).toEqual({ p50: 51, p95: 96 });
  });
});
