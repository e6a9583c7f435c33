import { describe, expect, it } from 'vitest';
import { applyBudget, CostMeter, DEFAULT_LIMITS, INITIAL_BUDGET_STATE, judgeMessages, mayDeliver, rationedBatchSize, type BudgetSample, type BudgetState, type CostReading } from './budget.ts';

const cost = (msPerFrame: number, extra: Partial<CostReading> = {}): CostReading => ({
  spanMs: 1000,
  frames: 60,
  msPerFrame,
  workerMsPerFrame: msPerFrame,
  compositeMsPerFrame: 0,
  demandMsPerFrame: 0,
  costPerEventMs: 0,
  eventsOffered: 60,
  eventsHeld: 0,
  eventsPerSecond: 60,
  messagesPerSecond: 0,
  messagesInWindow: 0,
  ...extra,
});
const sample = (now: number, c: CostReading, patch: Partial<BudgetSample> = {}): BudgetSample => ({ now, cost: c, inFlightSince: null, memoryBytes: null, crashed: null, ...patch });
const st = (state: BudgetState['state'], overSince: number | null = null, underSince: number | null = null, dipSince: number | null = null): BudgetState => ({ state, overSince, dipSince, underSince });

describe('applyBudget: one step', () => {
  it.each([
    // name, previous state, sample, expected state, expected action
    ['under budget: nothing', st('running'), sample(1000, cost(2)), st('running'), null],
    ['exactly at the budget is not over', st('running'), sample(1000, cost(5)), st('running'), null],
    ['over budget: throttled at once', st('running'), sample(1000, cost(5.1)), st('throttled', 1000), 'throttle'],
    ['too little history: not judged', st('running'), sample(100, cost(50, { spanMs: 150 })), st('running'), null],
    ['throttled and still over, 4.9 s: stays', st('throttled', 1000), sample(5900, cost(9)), st('throttled', 1000), null],
    ['throttled and over for 5 s: paused', st('throttled', 1000), sample(6000, cost(9)), st('paused'), 'pause'],
    ['over, then a dip under: the 5 s keep running', st('throttled', 1000), sample(3000, cost(4)), st('throttled', 1000, null, 3000), null],
    ['a dip shorter than 1 s: the stretch goes on', st('throttled', 1000, null, 3000), sample(3999, cost(4)), st('throttled', 1000, null, 3000), null],
    ['under the budget for 1 s: the 5 s start again', st('throttled', 1000, null, 3000), sample(4000, cost(4)), st('throttled', null, null), null],
    ['over again after a short dip: the dip is forgotten', st('throttled', 1000, null, 3000), sample(3500, cost(9)), st('throttled', 1000), null],
    ['over 5 s after the stretch began, a dip on the way: paused', st('throttled', 1000, null, 5500), sample(6000, cost(9)), st('paused'), 'pause'],
    ['under the budget when the 5 s are up: not paused', st('throttled', 1000), sample(6000, cost(4)), st('throttled', 1000, null, 6000), null],
    ['a calm dip runs both clocks', st('throttled', 1000), sample(3000, cost(1)), st('throttled', 1000, 3000, 3000), null],
    ['throttled, calm: the calm clock starts', st('throttled', null), sample(3000, cost(1)), st('throttled', null, 3000), null],
    ['throttled, calm for 2 s: running again', st('throttled', null, 3000), sample(5000, cost(1)), st('running'), 'unthrottle'],
    ['throttled, between half and the budget: calm clock resets', st('throttled', null, 3000), sample(4000, cost(3)), st('throttled', null, null), null],
    ['no events in the window inside a stretch: idle, the clocks stop', st('throttled', 1000), sample(3000, cost(1, { eventsPerSecond: 0 })), { ...st('throttled', 1000), idleSince: 3000 }, null],
    ['events again after 2 s idle: the clocks move on by the gap', { ...st('throttled', 1000, null, 2800), idleSince: 3000 }, sample(5000, cost(9)), st('throttled', 3000), null],
    ['no events and no stretch: judged as before', st('running'), sample(3000, cost(1, { eventsPerSecond: 0 })), st('running'), null],
    ['measured under the budget, its demand over it: throttled', st('running'), sample(1000, cost(2, { demandMsPerFrame: 6 })), st('throttled', 1000), 'throttle'],
    ['rationed to the budget, demand over it: no dip, the 5 s run on', st('throttled', 1000), sample(3000, cost(4.9, { demandMsPerFrame: 20 })), st('throttled', 1000), null],
    ['rationed to the budget, demand over it for 5 s: paused', st('throttled', 1000), sample(6000, cost(4.9, { demandMsPerFrame: 20 })), st('paused'), 'pause'],
    ['rationed, measured calm, demand over half the budget: not calm', st('throttled', null, 3000), sample(5000, cost(1, { demandMsPerFrame: 4 })), st('throttled', null, null), null],
    ['demand under the budget and calm for 2 s: running again', st('throttled', null, 3000), sample(5000, cost(1, { demandMsPerFrame: 2 })), st('running'), 'unthrottle'],
    ['no answer for 999 ms: waits', st('running'), sample(1999, cost(0), { inFlightSince: 1000 }), st('running'), null],
    ['no answer for 1 s: terminated', st('running'), sample(2000, cost(0), { inFlightSince: 1000 }), st('disabled'), 'terminate'],
    ['no answer, even while judging is too early', st('running'), sample(1200, cost(0, { spanMs: 10 }), { inFlightSince: 100 }), st('disabled'), 'terminate'],
    ['crash: disabled', st('throttled', 10), sample(1000, cost(0), { crashed: 'TypeError: x is undefined' }), st('disabled'), 'disable'],
    ['message flood: terminated', st('running'), sample(1000, cost(0, { messagesPerSecond: 5000, messagesInWindow: 5000 })), st('disabled'), 'terminate'],
    ['a flood while its batch is unanswered: judged a flood', st('running'), sample(2000, cost(0, { messagesPerSecond: 5000, messagesInWindow: 5000 }), { inFlightSince: 500 }), st('disabled'), 'terminate'],
    ['a short burst of messages is no flood', st('running'), sample(1000, cost(0, { messagesPerSecond: 300, messagesInWindow: 10, spanMs: 30 })), st('running'), null],
    ['memory over the limit: terminated', st('running'), sample(1000, cost(0), { memoryBytes: DEFAULT_LIMITS.memoryBytes + 1 }), st('disabled'), 'terminate'],
    ['paused stays paused', st('paused'), sample(9000, cost(50)), st('paused'), null],
    ['disabled stays disabled', st('disabled'), sample(9000, cost(50), { crashed: 'again' }), st('disabled'), null],
  ])('%s', (_name, prev, s, expectedState, expectedAction) => {
    const step = applyBudget(prev, s);
    expect(step.state).toEqual(expectedState);
    expect(step.decision?.action ?? null).toBe(expectedAction);
  });

  it('names a flood a flood even when its batch also went unanswered past the limit', () => {
    const step = applyBudget(st('running'), sample(2000, cost(0, { messagesPerSecond: 5000, messagesInWindow: 5000 }), { inFlightSince: 500 }));
    expect(step.decision).toMatchObject({ cause: 'flood', reason: 'sent 5000 messages/s (limit 240)' });
  });

  it.each([
    // name, previous state, reading, expected action
    ['over the rate: ended on arrival', st('running'), cost(0, { messagesPerSecond: 300, messagesInWindow: 300 }), 'terminate'],
    ['over the rate while throttled', st('throttled', 10), cost(9, { messagesPerSecond: 1000, messagesInWindow: 250 }), 'terminate'],
    ['a burst too short to judge', st('running'), cost(0, { messagesPerSecond: 3000, messagesInWindow: 30, spanMs: 10 }), null],
    ['at the rate: nothing', st('running'), cost(0, { messagesPerSecond: 240, messagesInWindow: 240 }), null],
    ['already paused: nothing', st('paused'), cost(0, { messagesPerSecond: 5000, messagesInWindow: 5000 }), null],
  ])('judgeMessages: %s', (_name, prev, c, expectedAction) => {
    const step = judgeMessages(prev, c);
    expect(step.decision?.action ?? null).toBe(expectedAction);
    expect(step.state.state).toBe(expectedAction === null ? prev.state : 'disabled');
  });

  it('says the demand, the measured cost and the budget in its reason', () => {
    const c = cost(4.84, { workerMsPerFrame: 4.5, compositeMsPerFrame: 0.34, demandMsPerFrame: 20.34, costPerEventMs: 20, eventsOffered: 61, eventsHeld: 45 });
    const step = applyBudget(st('throttled', 0), sample(5000, c));
    expect(step.decision?.reason).toBe(
      'over budget for 5.0 s: 20.3 ms per frame demanded (20.0 ms per event, 61 events offered, 45 held back over 60 frames; measured 4.8 (worker 4.5, compositing 0.3); budget 5 ms)',
    );
  });

  it.each([
    // name, state, measured ms per frame, demand, may have its batch
    ['running: always', st('running'), 30, 30, true],
    ['throttled, measured within its ration (a quarter of the budget)', st('throttled', 0), 1.25, 20, true],
    ['throttled, measured over its ration: held back', st('throttled', 0), 1.3, 20, false],
    ['throttled, measured within the budget but over its ration: held back', st('throttled', 0), 4, 20, false],
    ['paused: never', st('paused'), 0, 0, false],
    ['disabled: never', st('disabled'), 0, 0, false],
  ])('mayDeliver: %s', (_name, state, measured, demand, expected) => {
    expect(mayDeliver(state, cost(measured, { demandMsPerFrame: demand }))).toBe(expected);
  });

  it.each([
    // name, state, cost per event, events in its next batch
    ['running: all of them', st('running'), 20, Number.POSITIVE_INFINITY],
    ['throttled, 20 ms per event: one (4 frames of ration pay for 5 ms)', st('throttled', 0), 20, 1],
    ['throttled, 50 ms per event: still one', st('throttled', 0), 50, 1],
    ['throttled, 2 ms per event: two', st('throttled', 0), 2, 2],
    ['throttled, 0.5 ms per event: ten', st('throttled', 0), 0.5, 10],
    ['throttled, no cost per event known yet: all', st('throttled', 0), 0, Number.POSITIVE_INFINITY],
  ])('rationedBatchSize: %s', (_name, state, perEvent, expected) => {
    expect(rationedBatchSize(state, cost(9, { costPerEventMs: perEvent }))).toBe(expected);
  });
});

describe('applyBudget over time (manual clock)', () => {
  /** Drives the rule every 16 ms frame with the window's cost at each moment; returns when each action happened. */
  function drive(msPerFrame: number | ((now: number) => number), untilMs: number, inFlightFrom: number | null = null) {
    const costAt = typeof msPerFrame === 'number' ? () => msPerFrame : msPerFrame;
    let state = INITIAL_BUDGET_STATE;
    const actions: [string, number][] = [];
    for (let now = 0; now <= untilMs; now += 16) {
      const c = costAt(now);
      // NaN: no events in the window (a gap between turns), its last batches' cost leaving it.
      const reading = Number.isNaN(c) ? cost(1, { eventsPerSecond: 0 }) : cost(c);
      const step = applyBudget(state, sample(now, { ...reading, spanMs: Math.min(1000, now) }, { inFlightSince: inFlightFrom }));
      state = step.state;
      if (step.decision) actions.push([step.decision.action, now]);
    }
    return actions;
  }

  it('a gap with no events neither ends the stretch nor counts in it: paused after 5 s of work over the budget', () => {
    // 2 s over, a 2.5 s gap between turns (a loaded page's first token), over again.
    const actions = drive((now) => (now >= 2000 && now < 4500 ? Number.NaN : 20), 12000);
    expect(actions.map(([a]) => a)).toEqual(['throttle', 'pause']);
    // First judged over at 208 ms: 5 s of it end at 208 + 2500 + 5000 ms, at the next 16 ms frame.
    expect(actions[1]![1]).toBeGreaterThanOrEqual(7708);
    expect(actions[1]![1]).toBeLessThan(7708 + 32);
  });

  it('a plugin over the budget whenever it has work, idle between, is paused after 5 s of that work', () => {
    // 1 s over, then 4 s without events: the idle gaps neither end nor fill the stretch. Judged from
    // 208 ms, the first burst gives 0.8 s, the next four 4 s: the pause falls 0.2 s into the sixth.
    const actions = drive((now) => (now % 5000 < 1000 ? 20 : Number.NaN), 40000);
    expect(actions.map(([a]) => a)).toEqual(['throttle', 'pause']);
    expect(actions[1]![1]).toBeGreaterThanOrEqual(25200);
    expect(actions[1]![1]).toBeLessThan(25250);
  });

  it('a plugin costing 20 ms a frame is throttled within 1 s and paused within 6 s', () => {
    const actions = drive(20, 8000);
    expect(actions.map(([a]) => a)).toEqual(['throttle', 'pause']);
    expect(actions[0]![1]).toBeLessThanOrEqual(1000);
    expect(actions[1]![1]).toBeLessThanOrEqual(6000);
  });

  it('a plugin over budget while it has work, under it in the gaps between turns, is paused within 6 s', () => {
    // Turns of 700 ms at 12 ms a frame, then 300 ms without events: single readings at 3 ms.
    const actions = drive((now) => (now % 1000 < 700 ? 12 : 3), 8000);
    expect(actions.map(([a]) => a)).toEqual(['throttle', 'pause']);
    expect(actions[0]![1]).toBeLessThanOrEqual(1000);
    expect(actions[1]![1]).toBeGreaterThanOrEqual(5000);
    expect(actions[1]![1]).toBeLessThanOrEqual(6000);
  });

  it('a plugin back under the budget after a spell over it is never paused', () => {
    // 1.5 s at 20 ms a frame, then 4 ms for good: under the budget but not calm enough to run every frame.
    expect(drive((now) => (now < 1500 ? 20 : 4), 30000).map(([a]) => a)).toEqual(['throttle']);
  });

  it('short bursts over the budget with longer rests under it are never paused', () => {
    // 400 ms over, 1.2 s under, for 30 s: each rest ends the stretch before 5 s of it add up.
    expect(drive((now) => (now % 1600 < 400 ? 9 : 2), 30000).map(([a]) => a)).toEqual(['throttle']);
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
    meter.offered(0, 40);
    for (let t = 0; t < 1000; t += 100) meter.frame(t); // 10 frames
    meter.answered(500, 30, 40);
    meter.composited(600, 10);
    const r = meter.read(999);
    expect(r.frames).toBe(10);
    expect(r.msPerFrame).toBe(4);
    expect(r.workerMsPerFrame).toBe(3);
    expect(r.compositeMsPerFrame).toBe(1);
    expect(r.eventsPerSecond).toBeCloseTo(40.04, 1);
  });

  it('forgets what left the window', () => {
    const meter = new CostMeter(1000, { minFrames: 30 });
    meter.start(0);
    meter.answered(0, 100, 1);
    meter.message(0);
    for (let t = 0; t <= 1500; t += 16) meter.frame(t);
    const r = meter.read(1500);
    expect(r.msPerFrame).toBe(0);
    expect(r.messagesInWindow).toBe(0);
    expect(r.spanMs).toBe(1000);
  });

  it('reaches back at least 30 frames when frames are few (a loaded page)', () => {
    const meter = new CostMeter(1000, { minFrames: 30 });
    meter.start(0);
    // 4 frames a second: a batch answered every 4 frames (1 s apart), 80 ms each.
    for (let f = 0; f < 60; f++) {
      const t = f * 250;
      meter.frame(t);
      if (f % 4 === 0) meter.answered(t, 80, 4);
    }
    const r = meter.read(59 * 250);
    expect(r.frames).toBe(30);
    expect(r.msPerFrame).toBeGreaterThan(5);
    expect(r.spanMs).toBeCloseTo(29 * 250, 0);
  });

  /** A page at `fps` with the plugin idle until 3 s, then `events` events every frame, each batch answered a frame later at `msPerBatch`. */
  function onsetMeter(fps: number, msPerBatch: number, everyFrames = 1) {
    const meter = new CostMeter(1000, { minFrames: 30 });
    meter.start(0);
    const step = 1000 / fps;
    let f = 0;
    return (until: number) => {
      for (; f * step <= until; f++) {
        const t = f * step;
        meter.frame(t);
        if (t >= 3000 && f % everyFrames === 0) {
          meter.answered(t, f * step - step >= 3000 ? msPerBatch : 0, 1);
          meter.offered(t, 1);
        }
      }
      return meter.read(until);
    };
  }

  it.each([
    // fps, ms per batch, a batch every n frames, read at, judged span, over 5 ms per frame
    [60, 20, 1, 3200, 200, true],
    [7, 40, 1, 3300, 300, true],
    // A 20 ms batch every 45 frames: from its second batch on, the whole window counts.
    [60, 20, 45, 4200, 1000, false],
  ])('after an idle spell, cost is judged over the frames since its events began (%i FPS, %i ms every %i frames)', (fps, msPerBatch, every, at, span, over) => {
    const r = onsetMeter(fps, msPerBatch, every)(at);
    expect(r.spanMs).toBeCloseTo(span, -1);
    expect(r.msPerFrame > 5).toBe(over);
  });

  it('without an onset the whole window counts: idle frames before its events dilute nothing later', () => {
    const read = onsetMeter(60, 3);
    // Steady 3 ms a frame: under the budget at its onset and long after.
    expect(read(3200).msPerFrame).toBeLessThanOrEqual(5);
    expect(read(8000).msPerFrame).toBeCloseTo(3, 0);
    expect(read(8000).spanMs).toBe(1000);
  });

  it('counts messages per second over the last second, however few frames the page drew', () => {
    const meter = new CostMeter(1000, { minFrames: 30 });
    meter.start(0);
    // 4 frames a second for 10 s (its 30 frames reach back 7.5 s), then 900 messages in the last second.
    for (let t = 0; t <= 10_000; t += 250) meter.frame(t);
    for (let i = 0; i < 900; i++) meter.message(9_100 + i);
    const r = meter.read(10_000);
    expect(r.messagesInWindow).toBe(900);
    expect(r.messagesPerSecond).toBe(900);
    expect(applyBudget(INITIAL_BUDGET_STATE, { now: 10_000, cost: r, inFlightSince: 9_000, memoryBytes: null, crashed: null }).decision).toMatchObject({ cause: 'flood' });
  });

  it('demand: its cost per event times the events offered, those held back included', () => {
    const meter = new CostMeter(1000, { minFrames: 30 });
    meter.start(0);
    for (let t = 0; t < 1000; t += 16) meter.frame(t); // 63 frames
    meter.offered(0, 4);
    meter.answered(80, 80, 4); // 20 ms per event
    for (let t = 64; t < 1000; t += 64) meter.offered(t, 4, true); // 15 batches held back
    const r = meter.read(999);
    expect(r.msPerFrame).toBeCloseTo(80 / 63, 5);
    expect(r.costPerEventMs).toBe(20);
    expect(r.eventsOffered).toBe(64);
    expect(r.eventsHeld).toBe(60);
    expect(r.demandMsPerFrame).toBeCloseTo((20 * 64) / 63, 5);
  });

  it('demand keeps the last cost per event known when no answered batch is left in the window', () => {
    const meter = new CostMeter(1000, { minFrames: 30 });
    meter.start(0);
    meter.offered(0, 2);
    meter.answered(50, 40, 2);
    for (let t = 0; t <= 2000; t += 16) {
      meter.frame(t);
      if (t > 1000 && t % 64 === 0) meter.offered(t, 4, true);
    }
    const r = meter.read(2000);
    expect(r.msPerFrame).toBe(0);
    expect(r.costPerEventMs).toBe(20);
    expect(r.demandMsPerFrame).toBeGreaterThan(DEFAULT_LIMITS.frameMs);
  });

  it('does not charge its warm-up batches, nor take its cost per event from them', () => {
    const meter = new CostMeter(1000, { minFrames: 30, warmupBatches: 1 });
    meter.start(0);
    for (let t = 0; t < 1000; t += 16) meter.frame(t); // 63 frames
    meter.offered(0, 1);
    meter.answered(140, 132, 1);
    meter.offered(160, 1);
    meter.answered(170, 0.5, 1);
    const r = meter.read(999);
    expect(r.workerMsPerFrame).toBeCloseTo(0.5 / 63, 5);
    expect(r.costPerEventMs).toBe(0.5);
    expect(r.demandMsPerFrame).toBeCloseTo((0.5 * 2) / 63, 5);
  });

  it('keeps percentiles of what it recorded', () => {
    const meter = new CostMeter(1000);
    for (let i = 1; i <= 100; i++) meter.record(i);
    expect(meter.percentiles()).toEqual({ p50: 51, p95: 96 });
  });
});

describe('the throttle rations a plugin to its budget and judges its demand (manual clock)', () => {
  /**
   * The host's loop, in miniature: a page at `fps` with `lanes` streams each giving a token every frame
   * from `from` ms; a plugin costing `msPerEvent` per event (a stream's tokens merge into one event a
   * batch) answers each batch when its work is done; the rule and the ration judged each frame.
   */
  function ration(fps: number, msPerEvent: number, untilMs: number, lanes = 4, from = 1000) {
    const step = 1000 / fps;
    const meter = new CostMeter(DEFAULT_LIMITS.windowMs, { minFrames: 30, warmupBatches: DEFAULT_LIMITS.warmupBatches });
    meter.start(0);
    let state = INITIAL_BUDGET_STATE;
    let inFlight: { since: number; doneAt: number; events: number } | null = null;
    let framesSinceSend = 0;
    let busyAfterThrottle = 0;
    let framesAfterThrottle = 0;
    const actions: [string, number][] = [];
    for (let now = 0; now <= untilMs && state.state !== 'paused'; now += step) {
      meter.frame(now);
      if (inFlight && inFlight.doneAt <= now) {
        meter.answered(inFlight.doneAt, inFlight.events * msPerEvent, inFlight.events);
        inFlight = null;
      }
      const reading = meter.read(now);
      const next = applyBudget(state, sample(now, reading, { inFlightSince: inFlight?.since ?? null }));
      state = next.state;
      if (next.decision) actions.push([next.decision.action, now - from]);
      if (state.state === 'throttled') framesAfterThrottle++;
      framesSinceSend++;
      if (now < from || inFlight || state.state === 'paused') continue;
      if (framesSinceSend < (state.state === 'throttled' ? DEFAULT_LIMITS.throttleStride : 1)) continue;
      framesSinceSend = 0;
      if (!mayDeliver(state, reading)) {
        meter.offered(now, lanes, true);
        continue;
      }
      meter.offered(now, lanes);
      inFlight = { since: now, doneAt: now + lanes * msPerEvent, events: lanes };
      if (state.state === 'throttled') busyAfterThrottle += lanes * msPerEvent;
    }
    return { actions, workerMsPerFrameThrottled: busyAfterThrottle / Math.max(1, framesAfterThrottle) };
  }

  it.each([
    // fps, ms per event
    [60, 20],
    [10, 20],
    [60, 8],
  ])('at %i FPS a plugin costing %i ms per event is throttled within 1 s, paused 5 s later, within its ration meanwhile', (fps, msPerEvent) => {
    const { actions, workerMsPerFrameThrottled } = ration(fps, msPerEvent, 12_000);
    expect(actions.map(([a]) => a)).toEqual(['throttle', 'pause']);
    const [[, throttledAt], [, pausedAt]] = actions as [[string, number], [string, number]];
    expect(throttledAt).toBeLessThanOrEqual(1000);
    expect(pausedAt - throttledAt).toBeGreaterThanOrEqual(5000);
    expect(pausedAt - throttledAt).toBeLessThanOrEqual(5000 + 1000 / fps);
    expect(pausedAt).toBeLessThanOrEqual(6000);
    // Rationed: what it took of a core while throttled is about its ration, a quarter of the budget (one batch's overshoot at most).
    expect(workerMsPerFrameThrottled).toBeLessThanOrEqual(DEFAULT_LIMITS.rationMs * 1.5);
  });

  it('a plugin cheap enough for its events is never held back', () => {
    const { actions } = ration(60, 0.5, 10_000);
    expect(actions).toEqual([]);
  });
});
