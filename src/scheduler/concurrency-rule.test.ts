import { describe, expect, it } from 'vitest';
import { TIER_PROFILES } from '../tiers/index.ts';
import { adaptedCap, chooseBurst, residentCap, tierCap, type TierCapInput } from './concurrency-rule.ts';

const GB = 1e9;
const low = { mode: 'serial', cap: 1, stretchCap: 1 } as const;
const mid = { mode: 'parallel', cap: 2, stretchCap: 3 } as const;
const high = { mode: 'parallel', cap: 6, stretchCap: 6 } as const;
const input = (council: TierCapInput['council'], gbs: number[], budgetGb: number, override: number | null = null): TierCapInput => ({
  override,
  council,
  footprintsBytes: gbs.map((gb) => gb * GB),
  budgetBytes: budgetGb * GB,
});

describe('tierCap', () => {
  it.each([
    ['Low is serial', input(low, [0.5, 0.5], 8), 1],
    ['Low is serial even when everything fits', input(low, [0.1], 100), 1],
    ['Mid: the council does not fit together → the cap', input(mid, [2, 2, 2], 4), 2],
    ['Mid: it fits together → the stretch cap', input(mid, [1, 1, 1], 4), 3],
    ['Mid: exactly the budget still fits', input(mid, [2, 2], 4), 3],
    ['Mid: one byte over does not', { ...input(mid, [2, 2], 4), footprintsBytes: [2 * GB, 2 * GB + 1] }, 2],
    ['Mid: no members → the cap', input(mid, [], 4), 2],
    ['High: cap and stretch cap are the same', input(high, [1, 1], 8), 6],
    ['an override lifts the cap', input(high, [1], 8, 12), 12],
    ['an override applies on a serial tier too', input(low, [1], 8, 2), 2],
    ['an override of exactly 1', input(high, [1], 8, 1), 1],
    ['an override is rounded down', input(high, [1], 8, 8.9), 8],
    ['an override below 1 is none', input(mid, [1, 1], 4, 0.5), 3],
    ['an override of 0 is none', input(mid, [3, 3], 4, 0), 2],
    ['a negative override is none', input(low, [1], 4, -3), 1],
  ] as const)('%s', (_name, i, cap) => {
    expect(tierCap(i)).toBe(cap);
  });

  it('reads the real tier profiles', () => {
    expect(tierCap(input(TIER_PROFILES.low.council, [0.5], 8))).toBe(1);
    expect(tierCap(input(TIER_PROFILES.mid.council, [0.5, 0.5, 0.5], 8))).toBe(TIER_PROFILES.mid.council.stretchCap);
    expect(tierCap(input(TIER_PROFILES.mid.council, [4, 4, 4], 8))).toBe(TIER_PROFILES.mid.council.cap);
  });
});

describe('adaptedCap', () => {
  it.each([
    [3, null, 3],
    [3, 2, 2],
    [3, 3, 3],
    [3, 5, 3],
    [3, 1, 1],
    [3, 0, 1],
    [1, null, 1],
    [0, null, 1],
  ] as const)('cap %i, adaptation %s → %i', (cap, limit, expected) => {
    expect(adaptedCap(cap, limit)).toBe(expected);
  });
});

describe('residentCap', () => {
  it.each([
    [1, 1, 1],
    [2, 3, 3],
    [2, 2, 2],
    [6, 12, 12],
    [6, 1, 6],
  ] as const)('%i resident by the tier, %i at once → %i', (resident, cap, expected) => {
    expect(residentCap(resident, cap)).toBe(expected);
  });
});

describe('chooseBurst', () => {
  it.each([
    // name, setting, limit, alpha, tps1, mode
    ['sequential by setting, whatever α', 'sequential', 4, 0, 10, 'sequential'],
    ['sequential by setting, even with one at a time', 'sequential', 1, null, null, 'sequential'],
    ['parallel by setting, whatever α', 'parallel', 4, 3, 10, 'parallel'],
    ['auto before any measurement', 'auto', 4, null, null, 'parallel'],
    ['auto with α but no rate alone', 'auto', 4, 1.5, null, 'parallel'],
    ['auto with a rate alone but no α', 'auto', 4, null, 10, 'parallel'],
    ['auto, one at a time anyway: nothing to choose', 'auto', 1, 3, 10, 'parallel'],
    ['auto, α = 0.3: parallel', 'auto', 3, 0.3, 10, 'parallel'],
    ['auto, α just under 1: parallel', 'auto', 2, 0.99, 10, 'parallel'],
    ['auto, α = 1 exactly (a tie): parallel', 'auto', 2, 1, 10, 'parallel'],
    ['auto, α just over 1: one at a time', 'auto', 2, 1.01, 10, 'sequential'],
    ['auto, α = 1.5: one at a time', 'auto', 6, 1.5, 25, 'sequential'],
  ] as const)('%s', (_name, setting, limit, alpha, tps1, mode) => {
    expect(chooseBurst({ setting, limit, alpha, tps1 }).mode).toBe(mode);
  });

  it('says why', () => {
    expect(chooseBurst({ setting: 'sequential', limit: 3, alpha: null, tps1: null }).reason).toBe('Bursts run one prompt at a time (setting).');
    expect(chooseBurst({ setting: 'parallel', limit: 3, alpha: 2, tps1: 10 }).reason).toBe('Bursts run in parallel.');
    expect(chooseBurst({ setting: 'auto', limit: 3, alpha: null, tps1: null }).reason).toBe('Bursts run in parallel.');
    // 64 tokens at 10 tokens/s: 6.4 s alone; two at α = 1.5 take 2.5× that together.
    expect(chooseBurst({ setting: 'auto', limit: 2, alpha: 1.5, tps1: 10 })).toEqual({
      mode: 'sequential',
      reason: 'With α = 1.50, 2 requests take about 16.0 s together or 12.8 s one after another: one at a time.',
    });
  });
});
