import { describe, expect, it } from 'vitest';
import { TIER_PROFILES } from '../tiers/index.ts';
import {
  longestLowFps,
  pluginHeavyCriteria,
  pluginReference,
  burstCriteria,
  burstRule,
  burstRuleOf,
  compareTokens,
  concurrencyCriteria,
  contextCriteria,
  idealLastMs,
  marathonCriteria,
  maxOverlap,
  overheadCriteria,
  overloadCriteria,
  remoteSustainedCriteria,
  statusOf,
  sustainedCriteria,
  type BurstRound,
  type MarathonInput,
  type OverloadRound,
} from './criteria.ts';
import { metricOf, type PlateauVerdict } from './measure.ts';
import type { Criterion } from './types.ts';

const flat: PlateauVerdict = { judged: true, plateau: true, growthBytes: 0, earlierBytes: 50e6, laterBytes: 50e6 };
const leaking: PlateauVerdict = { judged: true, plateau: false, growthBytes: 30e6, earlierBytes: 50e6, laterBytes: 80e6 };
const byName = (criteria: Criterion[], name: string) => criteria.find((c) => c.name.startsWith(name))!;

describe('statusOf', () => {
  it.each([
    { pass: [true, true], status: 'pass' },
    { pass: [true, false], status: 'fail' },
    { pass: [], status: 'error' },
  ])('$pass → $status', ({ pass, status }) => {
    expect(statusOf(pass.map((p, i) => ({ name: `c${i}`, target: '', measured: '', pass: p })))).toBe(status);
  });
});

describe('sustained', () => {
  const low = TIER_PROFILES.low; // 30 tok/s target: floor 24
  const run = (tps: number[], ttft: number[], memory = flat) =>
    sustainedCriteria({ profile: low, decodeTps: metricOf(tps, 'tok/s'), ttftMs: metricOf(ttft, 'ms'), memory, memoryWhat: 'heap', agreements: [] });
  it.each([
    { tps: [30, 31, 32, 33, 34], pass: true, why: 'every run above 24 tok/s' },
    { tps: [23, 40, 40, 40, 40], pass: false, why: 'one run under 80 % of the target with fewer than 20 runs' },
    { tps: [...Array.from({ length: 24 }, () => 40), 10], pass: true, why: 'one slow run among 25: judged on p5' },
  ])('decode rate held: $why', ({ tps, pass }) => {
    expect(byName(run(tps, [100, 100, 100, 100, 100]), 'Decode rate held').pass).toBe(pass);
  });
  it('TTFT against the tier limit (1.5 s on Low)', () => {
    expect(byName(run([30, 30, 30, 30, 30], [1400, 1400, 1400, 1400, 1400]), 'Time to first token').pass).toBe(true);
    expect(byName(run([30, 30, 30, 30, 30], [1600, 1600, 1600, 1600, 1600]), 'Time to first token').pass).toBe(false);
  });
  it('memory must plateau', () => {
    expect(byName(run([30, 30, 30, 30, 30], [1, 1, 1, 1, 1], leaking), 'Memory plateaus').pass).toBe(false);
  });
  it('adds one agreement criterion per compared model, failing on a mismatch', () => {
    const criteria = sustainedCriteria({
      profile: low,
      decodeTps: metricOf([30, 30, 30, 30, 30], 'tok/s'),
      ttftMs: metricOf([1, 1, 1, 1, 1], 'ms'),
      memory: flat,
      memoryWhat: 'heap',
      agreements: [
        { model: 'wf-tiny', wasm: ['b', 'c', 'd'], webgpu: ['b', 'c', 'd'] },
        { model: 'wf-stories15m', wasm: ['a', 'b', 'c'], webgpu: ['a', 'x', 'c'] },
      ],
    });
    expect(byName(criteria, 'Greedy tokens agree, WASM vs WebGPU (wf-tiny)').pass).toBe(true);
    const mismatch = byName(criteria, 'Greedy tokens agree, WASM vs WebGPU (wf-stories15m)');
    expect(mismatch.pass).toBe(false);
    expect(mismatch.measured).toContain('differ from token 1');
  });
});

describe('compareTokens', () => {
  it.each([
    { a: ['a', 'b'], b: ['a', 'b'], agree: true, first: null },
    { a: ['a', 'b'], b: ['a', 'c'], agree: false, first: 1 },
    { a: ['a', 'b', 'c'], b: ['a', 'b'], agree: false, first: 2 },
    { a: [], b: [], agree: false, first: 0 },
  ])('$a vs $b', ({ a, b, agree, first }) => {
    expect(compareTokens(a, b)).toMatchObject({ agree, firstMismatch: first });
  });
});

describe('burst', () => {
  it('maxOverlap counts intervals open at once; touching ends do not overlap', () => {
    expect(maxOverlap([{ start: 0, end: 10 }, { start: 10, end: 20 }, { start: 20, end: 30 }])).toBe(1);
    expect(maxOverlap([{ start: 0, end: 10 }, { start: 5, end: 20 }, { start: 6, end: 7 }])).toBe(3);
    expect(maxOverlap([])).toBe(0);
  });

  it('follows the tier: queued on Low, parallel on Mid and High', () => {
    expect(burstRule(TIER_PROFILES.low)).toBe('queued');
    expect(burstRule(TIER_PROFILES.mid)).toBe('parallel');
    expect(burstRule(TIER_PROFILES.high)).toBe('parallel');
  });

  const serial: BurstRound = { intervals: [{ start: 0, end: 10 }, { start: 10, end: 20 }, { start: 20, end: 30 }], latenciesMs: [10, 20, 30], burstWallMs: 30, backToBackWallMs: 31, soloMs: 10, allDone: true };
  const parallel: BurstRound = { intervals: [{ start: 0, end: 12 }, { start: 0, end: 13 }], latenciesMs: [12, 13], burstWallMs: 13, backToBackWallMs: 20, soloMs: 10, allDone: true };
  const m = (x: number) => metricOf([x, x, x, x, x], 'ms');

  it('on Low: passes a queued burst, fails one that ran two at once', () => {
    const ok = burstCriteria({ profile: TIER_PROFILES.low, concurrency: 1, rounds: [serial] }, m(30), m(31), m(3));
    expect(ok.map((c) => c.name)).toEqual(['Every request answered', 'Queued, one at a time']);
    expect(statusOf(ok)).toBe('pass');
    const bad = burstCriteria({ profile: TIER_PROFILES.low, concurrency: 2, rounds: [parallel] }, m(13), m(20), m(1.3));
    expect(byName(bad, 'Queued, one at a time').pass).toBe(false);
  });

  it.each([
    { rounds: [parallel], burst: 13, b2b: 20, worst: 1.3, status: 'pass', why: 'parallel, faster, within 1.5× solo' },
    { rounds: [parallel], burst: 21, b2b: 20, worst: 1.3, status: 'fail', why: 'parallel but slower than back to back' },
    { rounds: [parallel], burst: 13, b2b: 20, worst: 1.6, status: 'fail', why: 'a request over 1.5× its solo latency' },
    { rounds: [serial], burst: 13, b2b: 20, worst: 1.3, status: 'fail', why: 'ran one at a time' },
    { rounds: [{ ...parallel, allDone: false }], burst: 13, b2b: 20, worst: 1.3, status: 'fail', why: 'a request did not end done' },
  ])('on Mid: $why → $status', ({ rounds, burst, b2b, worst, status }) => {
    expect(statusOf(burstCriteria({ profile: TIER_PROFILES.mid, concurrency: 2, rounds }, m(burst), m(b2b), m(worst)))).toBe(status);
  });
});

describe('sustained against a server (judged against its own start)', () => {
  const steady = Array.from({ length: 24 }, (_, i) => 100 + (i % 3));
  const ttft = (xs: number[]) => metricOf(xs, 'ms');
  const none = { count: 0, first: null };
  it.each([
    { why: 'steady rate, steady TTFT, no errors', rates: steady, ttfts: Array(24).fill(20), errors: none, failing: [] as string[] },
    { why: 'rate falls to half after the first third', rates: [...Array(8).fill(100), ...Array(16).fill(50)], ttfts: Array(24).fill(20), errors: none, failing: ['Decode rate held'] },
    { why: 'a few slow runs inside p5 are tolerated', rates: [...steady.slice(0, 23), 60], ttfts: Array(24).fill(20), errors: none, failing: [] },
    { why: 'TTFT p95 over twice its median + 50 ms', rates: steady, ttfts: [...Array(20).fill(20), 200, 200, 200, 200], errors: none, failing: ['Time to first token steady'] },
    { why: 'one request failed', rates: steady, ttfts: Array(24).fill(20), errors: { count: 1, first: 'The server answered 500' }, failing: ['No errors'] },
    { why: 'fewer than three runs decoded', rates: [100, Number.NaN], ttfts: [20, 20], errors: none, failing: ['Decode rate held'] },
  ])('$why', ({ rates, ttfts, errors, failing }) => {
    const criteria = remoteSustainedCriteria({ decodeTps: rates, decodeSource: 'server', ttftMs: ttft(ttfts), errors });
    expect(criteria.map((c) => c.name)).toEqual(['Decode rate held', 'Time to first token steady', 'No errors']);
    expect(criteria.filter((c) => !c.pass).map((c) => c.name)).toEqual(failing);
  });

  it('names its own floor and the failure, with numbers', () => {
    const criteria = remoteSustainedCriteria({ decodeTps: [...Array(8).fill(100), ...Array(16).fill(50)], decodeSource: 'page', ttftMs: ttft(Array(24).fill(20)), errors: { count: 1, first: 'The server answered 500' } });
    expect(byName(criteria, 'Decode rate held').target).toContain('80.0 of 100.0 tok/s');
    expect(byName(criteria, 'Decode rate held').target).toMatch(/^the page's decode rate/);
    expect(byName(criteria, 'Decode rate held').measured).toMatch(/^50\.0 tok\/s/);
    expect(byName(criteria, 'No errors').measured).toBe('1 error(s): The server answered 500');
  });
});

describe('burst against a server: its slots decide, not the tier', () => {
  it.each([
    { slots: 1, rule: 'queued' },
    { slots: 2, rule: 'parallel' },
    { slots: 8, rule: 'parallel' },
  ])('$slots slot(s) on a Low device → $rule', ({ slots, rule }) => {
    expect(burstRuleOf({ profile: TIER_PROFILES.low, serverSlots: slots })).toBe(rule);
  });

  it('this device keeps the tier rule', () => {
    expect(burstRuleOf({ profile: TIER_PROFILES.low })).toBe('queued');
    expect(burstRuleOf({ profile: TIER_PROFILES.mid })).toBe('parallel');
  });

  it('a two-slot server on a Low device is held to the parallel criteria, worded for the server', () => {
    const parallel: BurstRound = { intervals: [{ start: 0, end: 12 }, { start: 0, end: 13 }], latenciesMs: [12, 13], burstWallMs: 13, backToBackWallMs: 20, soloMs: 10, allDone: true };
    const m = (x: number) => metricOf([x, x, x, x, x], 'ms');
    const criteria = burstCriteria({ profile: TIER_PROFILES.low, serverSlots: 2, concurrency: 2, rounds: [parallel] }, m(13), m(20), m(1.3));
    expect(statusOf(criteria)).toBe('pass');
    expect(byName(criteria, 'Runs in parallel').target).toBe('server with 2 slots: requests generate together');
  });
});

describe('council marathon', () => {
  const good: MarathonInput = {
    tokensByMember: { a: 100, b: 100 },
    doneByMember: { a: 10, b: 10 },
    turns: 10,
    serviceMsByTurn: [500, 510, 490, 505, 500, 495, 510, 500, 505],
    memory: flat,
    memoryWhat: 'heap',
    endQueued: 0,
    endRunning: 0,
    failedMember: { id: 'c', codes: ['member-crashed', 'member-crashed'], actions: ['restart', 'remove'] },
  };
  it.each([
    { change: {}, failing: null, why: 'a healthy marathon' },
    { change: { tokensByMember: { a: 100, b: 80 } }, failing: 'Fair share', why: 'one member starved' },
    { change: { serviceMsByTurn: [500, 500, 500, 600, 600, 600, 700, 700, 700] }, failing: 'No drift', why: 'service time drifting up' },
    { change: { memory: leaking }, failing: 'No leak', why: 'the heap growing' },
    { change: { endQueued: 2 }, failing: 'No leak', why: 'jobs left queued' },
    { change: { failedMember: { id: 'c', codes: [], actions: [] } }, failing: 'A failed member', why: 'the failure never seen' },
    { change: { doneByMember: { a: 10, b: 9 } }, failing: 'A failed member', why: "a healthy member's job lost" },
  ])('$why', ({ change, failing }) => {
    const criteria = marathonCriteria({ ...good, ...change });
    const failed = criteria.filter((c) => !c.pass).map((c) => c.name);
    expect(failed).toEqual(failing ? [expect.stringContaining(failing)] : []);
  });
});

describe('overload', () => {
  const round: OverloadRound = {
    capacity: 8,
    sent: 24,
    accepted: 9,
    refusals: Array.from({ length: 15 }, () => ({ code: 'overloaded', message: 'Overloaded: 8 requests are already waiting. Retry in ~2 s.', retryAfterMs: 2000 })),
    peakQueued: 8,
    acceptedDone: 9,
    acceptedIntact: 9,
    recoveredAccepted: true,
    recoverEvent: true,
  };
  it.each([
    { change: {}, failing: [], why: 'bounded, clear, recovered, nothing lost' },
    { change: { peakQueued: 9 }, failing: ['Bounded queue'], why: 'more queued than the capacity' },
    { change: { refusals: [{ code: 'overloaded', message: 'no', retryAfterMs: 0 }] }, failing: ['Clear rejection'], why: 'a refusal without message or estimate' },
    { change: { recoverEvent: false }, failing: ['Recovery'], why: 'recovery never announced' },
    { change: { acceptedIntact: 8 }, failing: ['Nothing lost'], why: 'one accepted request lost text' },
  ])('$why', ({ change, failing }) => {
    expect(overloadCriteria([{ ...round, ...change }]).filter((c) => !c.pass).map((c) => c.name)).toEqual(failing);
  });
  it('fails every criterion without a round', () => {
    expect(overloadCriteria([]).every((c) => !c.pass)).toBe(true);
  });
});

describe('sweeps', () => {
  const perTurn = (ms: number) => metricOf([ms, ms, ms, ms, ms], 'ms');
  it.each([
    { turnMs: 2, p99: 0.1, delivered: true, pass: true, why: '0.2 ms per step' },
    { turnMs: 20, p99: 0.1, delivered: true, pass: false, why: '2 ms per step' },
    { turnMs: 2, p99: 3, delivered: true, pass: false, why: 'a slow token event at p99' },
    { turnMs: 2, p99: 0.1, delivered: false, pass: false, why: 'text lost' },
  ])('overhead: $why', ({ turnMs, p99, delivered, pass }) => {
    const [c] = overheadCriteria([{ streams: 4, tokensPerStream: 10, perTurnMs: perTurn(turnMs), perEventMs: { mean: 0.01, p99, count: 40 }, textDelivered: delivered }]);
    expect(c!.pass).toBe(pass);
  });

  it('ideal FIFO time of the last request', () => {
    expect(idealLastMs(500, 6, 200)).toBe(84 * 200);
    expect(idealLastMs(6, 6, 200)).toBe(200);
  });

  it.each([
    { accepted: 100, failed: 0, maxMs: 400, pass: true, why: 'within 1.5× of the ideal 340 ms + 100 ms' },
    { accepted: 100, failed: 0, maxMs: 700, pass: false, why: 'the last far behind the ideal' },
    { accepted: 100, failed: 1, maxMs: 400, pass: false, why: 'an error' },
    { accepted: 90, failed: 0, maxMs: 400, pass: false, why: 'refusals with a queue large enough' },
  ])('concurrency: $why', ({ accepted, failed, maxMs, pass }) => {
    const [c] = concurrencyCriteria([{ requests: 100, accepted, failed, concurrency: 6, serviceMs: 20, latency: metricOf([10, 100, 200, 300, maxMs], 'ms'), p99Ms: maxMs, maxMs }]);
    expect(c!.pass).toBe(pass);
  });

  it('context: every length within the tier TTFT limit', () => {
    const level = (tokens: number, ms: number) => ({ promptTokens: tokens, ttft: metricOf([ms, ms, ms, ms, ms], 'ms') });
    expect(contextCriteria(TIER_PROFILES.low, [level(8, 50), level(200, 400)], 1.7)[0]!.pass).toBe(true);
    expect(contextCriteria(TIER_PROFILES.high, [level(8, 50), level(200, 600)], 2.8)[0]!.pass).toBe(false);
    expect(contextCriteria(TIER_PROFILES.low, [], Number.NaN)[0]!.pass).toBe(false);
  });
});

describe('plugin-heavy criteria', () => {
  const base = {
    profile: TIER_PROFILES.mid,
    decodeBefore: metricOf([100, 100, 100, 100, 100], 'tok/s'),
    decodeWith: metricOf([95, 95, 95, 95, 95], 'tok/s'),
    decodeAfter: metricOf([100, 100, 100, 100, 100], 'tok/s'),
    ttftBefore: metricOf([200, 200, 200, 200, 200], 'ms'),
    ttftWith: metricOf([210, 210, 210, 210, 210], 'ms'),
    ttftAfter: metricOf([200, 200, 200, 200, 200], 'ms'),
    longestLowFpsMs: 250,
    longestLowFpsWithoutMs: 0,
    heavyThrottledAfterMs: 300,
    heavyPausedAfterMs: 5400,
    hostFrameP95Ms: 0.8,
    pageFrameP95Ms: { with: 1.9, without: 1.2 },
    jobs: 20,
    exactJobs: 20,
    failures: [],
  };
  const failing = (patch: Partial<typeof base>) => pluginHeavyCriteria({ ...base, ...patch }).filter((c) => !c.pass).map((c) => c.name);

  it('passes a run within every bound', () => {
    expect(failing({})).toEqual([]);
  });

  it('shows the frame rate the council alone left the page beside the run with plugins', () => {
    const criteria = pluginHeavyCriteria({ ...base, longestLowFpsMs: 6500, longestLowFpsWithoutMs: 5250 });
    expect(byName(criteria, 'Frame rate held').measured).toMatch(/: 6\.5 s \(without plugins: 5\.3 s\)$|: 6500 ms \(without plugins: 5250 ms\)$/);
  });

  it.each([
    ['decode exactly 90 %', { decodeWith: metricOf([90, 90, 90, 90, 90], 'tok/s') }, []],
    ['decode under 90 %', { decodeWith: metricOf([89, 89, 89, 89, 89], 'tok/s') }, ['Core decode rate held']],
    ['TTFT exactly 110 %', { ttftWith: metricOf([220, 220, 220, 220, 220], 'ms') }, []],
    ['TTFT over 110 %', { ttftWith: metricOf([221, 221, 221, 221, 221], 'ms') }, ['Core time to first token held']],
    ['low FPS for 1 s exactly', { longestLowFpsMs: 1000 }, []],
    ['low FPS for 1.25 s', { longestLowFpsMs: 1250 }, ['Frame rate held']],
    ['low FPS for 1.25 s, as long without plugins: still judged on the run with them', { longestLowFpsMs: 1250, longestLowFpsWithoutMs: 1250 }, ['Frame rate held']],
    ['never throttled', { heavyThrottledAfterMs: null }, ['A misbehaving plugin is throttled, then paused']],
    ['paused too late', { heavyPausedAfterMs: 6001 }, ['A misbehaving plugin is throttled, then paused']],
    ['host too costly', { hostFrameP95Ms: 4.1 }, ["The plugins' cost on the page"]],
    ['a job failed', { failures: ['member-1: out-of-memory'] }, ['Exact text, no out-of-memory']],
    ['a text differs', { exactJobs: 19 }, ['Exact text, no out-of-memory']],
    ['nothing measured', { decodeWith: metricOf([], 'tok/s') }, ['Core decode rate held']],
    ['nothing measured after', { decodeAfter: metricOf([], 'tok/s') }, ['Core decode rate held']],
    // A council still speeding up: 60 before, 120 after; the phase between judged against 90, not against the pooled turns.
    ['drifting up, the middle phase at the mean of the outer medians', { decodeBefore: metricOf([60, 60, 60, 60, 60], 'tok/s'), decodeWith: metricOf([81, 81, 81, 81, 81], 'tok/s'), decodeAfter: metricOf([120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120], 'tok/s') }, []],
    ['drifting up, the middle phase under 90 % of that mean', { decodeBefore: metricOf([60, 60, 60, 60, 60], 'tok/s'), decodeWith: metricOf([80.9, 80.9, 80.9, 80.9, 80.9], 'tok/s'), decodeAfter: metricOf([120, 120, 120, 120, 120], 'tok/s') }, ['Core decode rate held']],
    ['TTFT drifting down, judged against the mean of the outer medians', { ttftBefore: metricOf([300, 300, 300, 300, 300], 'ms'), ttftWith: metricOf([275, 275, 275, 275, 275], 'ms'), ttftAfter: metricOf([200, 200, 200, 200, 200], 'ms') }, []],
    ['TTFT over 110 % of that mean', { ttftBefore: metricOf([300, 300, 300, 300, 300], 'ms'), ttftWith: metricOf([276, 276, 276, 276, 276], 'ms'), ttftAfter: metricOf([200, 200, 200, 200, 200], 'ms') }, ['Core time to first token held']],
  ])('%s', (_name, patch, names) => {
    expect(failing(patch as Partial<typeof base>)).toEqual(names);
  });

  it("shows the page's whole frame work with and without plugins beside the host's cost, judging the host's alone", () => {
    const criteria = pluginHeavyCriteria({ ...base, hostFrameP95Ms: 0.8, pageFrameP95Ms: { with: 7.25, without: 6.5 } });
    const cost = byName(criteria, "The plugins' cost on the page");
    expect(cost.measured).toMatch(/the page's whole frame work p95 7\.25 ms with plugins, 6\.50 ms without$/);
    expect(cost.pass).toBe(true);
    expect(byName(pluginHeavyCriteria({ ...base, pageFrameP95Ms: { with: Number.NaN, without: 1 } }), "The plugins' cost on the page").measured).toMatch(/p95 n\/a with plugins, 1\.00 ms without$/);
  });

  it('names the reference and both phases it comes from', () => {
    const criteria = pluginHeavyCriteria({ ...base, decodeBefore: metricOf([80, 80, 80, 80, 80], 'tok/s'), decodeAfter: metricOf([120, 120, 120, 120, 120], 'tok/s') });
    expect(byName(criteria, 'Core decode rate held').measured).toBe(
      '95.0 tok/s (95.0–95.0, n=5) against 100.0 tok/s, the mean of the medians before, 80.0 tok/s (80.0–80.0, n=5), and after, 120.0 tok/s (120.0–120.0, n=5) (0.95×)',
    );
  });

  it.each([
    [80, 120, 100],
    [100, 100, 100],
    [50, 150, 100],
  ])('pluginReference(%d, %d) = %d', (before, after, expected) => {
    expect(pluginReference(metricOf([before], 'tok/s'), metricOf([after], 'tok/s'))).toBe(expected);
  });

  it('pluginReference is NaN where a phase measured nothing', () => {
    expect(pluginReference(metricOf([], 'tok/s'), metricOf([100], 'tok/s'))).toBeNaN();
  });

  it('longestLowFps: stretches of 250 ms intervals under the floor', () => {
    const frames = (fromMs: number, toMs: number, everyMs: number) => Array.from({ length: Math.floor((toMs - fromMs) / everyMs) }, (_, i) => fromMs + i * everyMs);
    // 1 s at 60 FPS, 1 s at 20 FPS, 1 s at 60 FPS.
    const times = [...frames(0, 1000, 1000 / 60), ...frames(1000, 2000, 50), ...frames(2000, 3000, 1000 / 60)];
    expect(longestLowFps(times, 50)).toBe(1000);
    expect(longestLowFps(frames(0, 3000, 1000 / 60), 50)).toBe(0);
    expect(longestLowFps([], 50)).toBe(0);
  });
});
