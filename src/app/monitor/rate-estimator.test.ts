import { describe, expect, it } from 'vitest';
import { LaneRates, MIN_RATE_SPAN_MS, RateEstimator } from './rate-estimator.ts';

/** Events every `everyMs` from `from` to `to` (inclusive), `count` tokens each. */
function feed(estimator: RateEstimator, from: number, to: number, everyMs: number, count = 1): void {
  for (let t = from; t <= to; t += everyMs) estimator.add(t, count);
}

describe('RateEstimator', () => {
  const cases: { name: string; run: (e: RateEstimator) => number; expected: number }[] = [
    { name: 'nothing arrived', run: (e) => e.rate(1000), expected: 0 },
    { name: 'a single arrival only marks a start', run: (e) => (e.add(100, 1), e.rate(400)), expected: 0 },
    { name: 'a steady 10/s stream just started reads 10 from its second token', run: (e) => (feed(e, 0, 500, 100), e.rate(500)), expected: 10 },
    { name: 'a steady 10/s stream well past the window reads 10', run: (e) => (feed(e, 0, 10_000, 100), e.rate(10_000)), expected: 10 },
    { name: 'batched arrivals count their tokens (5 every 100 ms = 50/s)', run: (e) => (feed(e, 0, 10_000, 100, 5), e.rate(10_000)), expected: 50 },
    { name: 'half a window after the stream stopped, half the rate', run: (e) => (feed(e, 0, 10_000, 100), e.rate(11_000)), expected: 5 },
    { name: 'a full window after the stream stopped, zero', run: (e) => (feed(e, 0, 10_000, 100), e.rate(12_000)), expected: 0 },
    {
      name: 'two tokens 1 ms apart are not 1000/s: the span counts as at least MIN_RATE_SPAN_MS',
      run: (e) => (e.add(0, 1), e.add(1, 1), e.rate(1)),
      expected: 1000 / MIN_RATE_SPAN_MS,
    },
    {
      name: 'a new burst after a long pause is measured from its own start',
      run: (e) => (feed(e, 0, 1000, 100), feed(e, 20_000, 21_000, 50), e.rate(21_000)),
      expected: 20,
    },
  ];
  for (const { name, run, expected } of cases) {
    it(name, () => {
      expect(run(new RateEstimator(2000))).toBeCloseTo(expected, 6);
    });
  }
});

describe('LaneRates', () => {
  it('rates each lane apart and sums them, and forgets a lane idle for too long', () => {
    const rates = new LaneRates(2000, 30_000);
    for (let t = 0; t <= 10_000; t += 100) rates.add('session', 'wf-tiny', t, 1);
    for (let t = 0; t <= 10_000; t += 50) rates.add('1-sim-fast', 'Simulated #1', t, 1);
    const now = rates.rates(10_000);
    expect(now.lanes.map((l) => [l.lane, Math.round(l.tokensPerSecond)])).toEqual([
      ['session', 10],
      ['1-sim-fast', 20],
    ]);
    expect(now.combined).toBeCloseTo(30, 6);
    expect(rates.rates(40_001).lanes).toEqual([]);
  });
});
