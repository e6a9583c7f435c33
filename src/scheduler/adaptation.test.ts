import { describe, expect, it } from 'vitest';
import { ADAPTATION_DEFAULTS, INITIAL_ADAPTATION_STATE, adapt, type AdaptationAction, type AdaptationConfig, type AdaptationState, type CouncilView } from './adaptation.ts';
import type { AdaptationSample } from './protocol.ts';

interface Run {
  actions: { atMs: number; action: AdaptationAction }[];
  council: CouncilView;
}

/** Feeds samples every `everyMs` from `series(t)`, applying shrink/growth to the council as the scheduler would. */
function simulate(
  seconds: number,
  series: (tMs: number) => Partial<AdaptationSample>,
  council: CouncilView,
  config: Partial<AdaptationConfig> = {},
  everyMs = 250,
  acceptGrowth = true,
): Run {
  let state: AdaptationState = { ...INITIAL_ADAPTATION_STATE };
  const actions: Run['actions'] = [];
  const view = { ...council };
  for (let t = 0; t <= seconds * 1000; t += everyMs) {
    const sample: AdaptationSample = { atMs: t, meanFrameMs: null, cpuBusy: null, memoryFraction: null, ...series(t) };
    const step = adapt(state, sample, view, { ...ADAPTATION_DEFAULTS, ...config });
    state = step.state;
    for (const action of step.actions) {
      actions.push({ atMs: t, action });
      if (action.kind === 'shrink') view.size = action.to;
      if (action.kind === 'offer-growth' && acceptGrowth) view.size = action.to;
    }
  }
  return { actions, council: view };
}

const kinds = (run: Run) => run.actions.map((a) => `${a.atMs}:${a.action.kind}${'to' in a.action ? a.action.to : ''}`);

describe('shrink when frames run late', () => {
  it('mean frame > 20 ms for 5 s with a council > 1: one member fewer, and the user is told', () => {
    const run = simulate(6, () => ({ meanFrameMs: 25 }), { size: 3, cap: 3 });
    expect(kinds(run)).toEqual(['5000:shrink2']);
    const action = run.actions[0]!.action;
    expect(action.message).toMatch(/Frames have taken 25 ms on average for 5 s/);
    expect(action.message).toMatch(/runs 2 members at once/);
  });

  it('keeps late: shrinks once per full window (restarted by the first sample after a shrink), down to one, never below', () => {
    const run = simulate(30, () => ({ meanFrameMs: 40 }), { size: 3, cap: 3 });
    expect(kinds(run)).toEqual(['5000:shrink2', '10250:shrink1']);
    expect(run.council.size).toBe(1);
  });

  it.each([
    ['exactly 20 ms is not late', () => ({ meanFrameMs: 20 })],
    ['late for 4.75 s then one good sample, repeatedly', (t: number) => ({ meanFrameMs: t % 5000 === 4750 ? 15 : 30 })],
    ['unknown frame times', () => ({ meanFrameMs: null })],
  ])('no shrink: %s', (_name, series) => {
    expect(simulate(60, series, { size: 2, cap: 2 }).actions).toEqual([]);
  });

  it('a gap in the samples restarts the window', () => {
    let state: AdaptationState = { ...INITIAL_ADAPTATION_STATE };
    const council = { size: 2, cap: 2 };
    const at = (atMs: number) => {
      const step = adapt(state, { atMs, meanFrameMs: 30, cpuBusy: null, memoryFraction: null }, council);
      state = step.state;
      return step.actions;
    };
    at(0);
    at(1000);
    expect(at(4000)).toEqual([]); // 3 s gap: window starts again at 4000
    expect(at(5000)).toEqual([]);
    expect(at(9000 - 2000)).toEqual([]);
    expect(at(8500)).toEqual([]);
    expect(at(9000).map((a) => a.kind)).toEqual(['shrink']);
  });
});

describe('offer growth when idle (opt-in)', () => {
  const idle = () => ({ meanFrameMs: 10, cpuBusy: 0.2 });

  it('without opt-in: never', () => {
    expect(simulate(120, idle, { size: 1, cap: 3 }).actions).toEqual([]);
  });

  it('CPU < 50 % for 30 s: offer one more member, then wait the cooldown before the next offer', () => {
    const run = simulate(200, idle, { size: 1, cap: 3 }, { growthOptIn: true });
    expect(kinds(run)).toEqual(['30000:offer-growth2', '150000:offer-growth3']);
    expect(run.actions[0]!.action.message).toMatch(/could run 2 members at once/);
  });

  it('not at the cap', () => {
    expect(simulate(120, idle, { size: 3, cap: 3 }, { growthOptIn: true }).actions).toEqual([]);
  });

  it('not with late-ish frames (the hysteresis band 16–20 ms), nor with a busy CPU', () => {
    expect(simulate(120, () => ({ meanFrameMs: 18, cpuBusy: 0.1 }), { size: 1, cap: 3 }, { growthOptIn: true }).actions).toEqual([]);
    expect(simulate(120, () => ({ meanFrameMs: 10, cpuBusy: 0.6 }), { size: 1, cap: 3 }, { growthOptIn: true }).actions).toEqual([]);
  });
});

describe('no oscillation', () => {
  it('load that flips between late and idle never shrinks and grows back within a minute', () => {
    // 10 s late, 40 s idle, repeatedly: the worst case for a naive rule set.
    const run = simulate(
      600,
      (t) => ((t % 50_000) < 10_000 ? { meanFrameMs: 30, cpuBusy: 0.9 } : { meanFrameMs: 8, cpuBusy: 0.1 }),
      { size: 3, cap: 3 },
      { growthOptIn: true },
    );
    const changes = run.actions.filter((a) => a.action.kind === 'shrink' || a.action.kind === 'offer-growth');
    for (let i = 1; i < changes.length; i++) {
      const prev = changes[i - 1]!;
      const next = changes[i]!;
      if (prev.action.kind === 'shrink' && next.action.kind === 'offer-growth') {
        expect(next.atMs - prev.atMs).toBeGreaterThanOrEqual(ADAPTATION_DEFAULTS.growthAfterShrinkMs);
      }
    }
    // Growth offers are at least the cooldown apart.
    const offers = changes.filter((c) => c.action.kind === 'offer-growth').map((c) => c.atMs);
    for (let i = 1; i < offers.length; i++) expect(offers[i]! - offers[i - 1]!).toBeGreaterThanOrEqual(ADAPTATION_DEFAULTS.offerCooldownMs);
    // Each flap (a shrink soon after an offer) doubles the hold: the gaps between offers grow.
    for (let i = 2; i < offers.length; i++) expect(offers[i]! - offers[i - 1]!).toBeGreaterThan(offers[i - 1]! - offers[i - 2]!);
    // Over 10 minutes (12 cycles of the load), a handful of changes (2 shrinks to start, then 3 offers
    // each followed by a shrink, ever further apart), not two per cycle.
    expect(changes.length).toBeLessThanOrEqual(8);
    expect(offers).toEqual([140_000, 290_000, 545_000]);
  });
});

describe('memory pressure', () => {
  it('pauses loads above 90 %, resumes only below 80 %', () => {
    const memory = [0.5, 0.91, 0.95, 0.89, 0.85, 0.81, 0.92, 0.79, 0.85, 0.91];
    let state: AdaptationState = { ...INITIAL_ADAPTATION_STATE };
    const seen: string[] = [];
    memory.forEach((m, i) => {
      const step = adapt(state, { atMs: i * 100, meanFrameMs: null, cpuBusy: null, memoryFraction: m }, { size: 1, cap: 1 });
      state = step.state;
      for (const a of step.actions) seen.push(`${m}:${a.kind}`);
    });
    expect(seen).toEqual(['0.91:pause-loads', '0.79:resume-loads', '0.91:pause-loads']);
  });

  it('no growth offer while memory is high', () => {
    const run = simulate(120, () => ({ meanFrameMs: 8, cpuBusy: 0.1, memoryFraction: 0.95 }), { size: 1, cap: 3 }, { growthOptIn: true });
    expect(kinds(run)).toEqual(['0:pause-loads']);
  });
});
