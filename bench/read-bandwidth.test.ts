import { describe, expect, it } from 'vitest';
import { bestRoundGBps } from './read-bandwidth.ts';

const GB = 1e9;

describe('bestRoundGBps: all threads\' bytes over the slowest thread of a round, the best round', () => {
  it.each<[string, number, number[][], number]>([
    ['one thread, best of its rounds', GB, [[200, 100, 150]], 10],
    ['two threads in step: twice the bytes in the same time', GB, [[100, 100], [100, 100]], 20],
    ['a round lasts as long as its slowest thread', GB, [[100, 50], [200, 250]], 10],
    ['a thread that ran alone fast does not count apart from its round', GB, [[50, 200], [400, 200]], 10],
    ['rounds only as far as every thread went', GB, [[100, 100, 10], [100, 100]], 20],
    ['no time measured: nothing', GB, [[0]], 0],
  ])('%s', (_, bytes, times, expected) => {
    expect(bestRoundGBps(bytes, times)).toBeCloseTo(expected, 9);
  });
});
