import { describe, expect, it } from 'vitest';
import { warmUpState, type WarmUpRule } from './warm-up.ts';

const rule: WarmUpRule = { roundMs: 2000, restMs: 1000, minRounds: 2, minMs: 0, window: 3, rise: 0.05, maxMs: 20_000 };

describe('warmUpState: warm once the decode rate stops rising from round to round', () => {
  it.each<[string, number[], number, ReturnType<typeof warmUpState>]>([
    ['no round yet', [], 0, { done: false }],
    ['under the minimum, however flat', [500], 100, { done: false }],
    ['the minimum met but too few rounds to compare two windows', [500, 500, 500, 500, 500], 1000, { done: false }],
    ['flat over two windows', [500, 500, 500, 500, 500, 500], 1000, { done: true, settled: true }],
    ['still rising by more than the allowance', [300, 320, 340, 400, 420, 440], 1000, { done: false }],
    ['rising by exactly the allowance', [400, 400, 400, 420, 420, 420], 1000, { done: true, settled: true }],
    ['rising just over the allowance', [400, 400, 400, 421, 421, 421], 1000, { done: false }],
    ['a slower last window is settled (noise, or the machine got busier)', [600, 600, 600, 450, 450, 450], 1000, { done: true, settled: true }],
    ['one fast round in the last window does not move its median', [300, 500, 500, 500, 500, 900], 1000, { done: true, settled: true }],
    ['only the last two windows count', [100, 200, 300, 600, 600, 600, 610, 600, 620], 1000, { done: true, settled: true }],
    ['still rising when time runs out: done, not settled', [300, 320, 340, 400, 420, 440], 20_000, { done: true, settled: false }],
    ['time runs out before the minimum: not done (the loads must finish)', [300], 30_000, { done: false }],
  ])('%s', (_name, rates, elapsed, expected) => {
    expect(warmUpState(rates, elapsed, rule)).toEqual(expected);
  });

  it('a minimum above two windows waits for it', () => {
    expect(warmUpState([500, 500, 500, 500, 500, 500], 0, { ...rule, minRounds: 8 })).toEqual({ done: false });
    expect(warmUpState([500, 500, 500, 500, 500, 500, 500, 500], 0, { ...rule, minRounds: 8 })).toEqual({ done: true, settled: true });
  });

  it.each<[string, number, ReturnType<typeof warmUpState>]>([
    ['flat before the minimum time: not done (a plateau between two compiling steps)', 59_999, { done: false }],
    ['flat at the minimum time: settled', 60_000, { done: true, settled: true }],
  ])('%s', (_name, elapsed, expected) => {
    expect(warmUpState([500, 500, 500, 500, 500, 500], elapsed, { ...rule, minMs: 60_000, maxMs: 90_000 })).toEqual(expected);
  });
});
