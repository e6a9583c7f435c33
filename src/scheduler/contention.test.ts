import { describe, expect, it } from 'vitest';
import { effectiveTps } from '../tiers/index.ts';
import { contentionGroupOf, estimateAlpha, estimateAlphaByGroup, fairnessByGroup, jainIndex, measureContention, planBurst, streamTps } from './contention.ts';

describe('estimateAlpha', () => {
  it.each([0, 0.3, 0.5, 1, 1.5])('recovers α = %s from stream rates at 1..4 members', (alpha) => {
    const tps1 = 40;
    const samples = [1, 2, 3, 4].flatMap((n) => Array.from({ length: 3 }, () => ({ concurrent: n, streamTps: effectiveTps(tps1, n, alpha) / n })));
    const estimate = estimateAlpha(samples);
    expect(estimate.tps1).toBeCloseTo(tps1);
    expect(estimate.alpha).toBeCloseTo(alpha, 6);
    expect(estimate.levels.map((l) => l.n)).toEqual([1, 2, 3, 4]);
  });

  it('is null without samples alone or without company', () => {
    expect(estimateAlpha([]).alpha).toBeNull();
    expect(estimateAlpha([{ concurrent: 1, streamTps: 30 }]).alpha).toBeNull();
    expect(estimateAlpha([{ concurrent: 2, streamTps: 30 }]).alpha).toBeNull();
  });

  it('uses medians (one outlier does not move it) and never goes negative', () => {
    const samples = [
      { concurrent: 1, streamTps: 40 },
      { concurrent: 1, streamTps: 40 },
      { concurrent: 1, streamTps: 1 },
      { concurrent: 2, streamTps: 40 },
      { concurrent: 2, streamTps: 45 },
      { concurrent: 2, streamTps: 44 },
    ];
    expect(estimateAlpha(samples).alpha).toBe(0);
  });
});

describe('planBurst', () => {
  it.each([
    // α, n, expected mode
    [0.4, 2, 'parallel'],
    [0.4, 4, 'parallel'],
    [0.99, 4, 'parallel'],
    [1.2, 2, 'sequential'],
    [2, 4, 'sequential'],
    [5, 1, 'parallel'],
  ] as const)('α = %s, %d prompts → %s', (alpha, n, mode) => {
    const plan = planBurst({ n, tokensPerRequest: 64, tps1: 32, ttftMs: 240, alpha });
    expect(plan.mode).toBe(mode);
    if (n > 1) expect(plan.mode === 'parallel' ? plan.parallelMs <= plan.sequentialMs : plan.sequentialMs < plan.parallelMs).toBe(true);
  });

  it('computes both times from the spec formula', () => {
    const plan = planBurst({ n: 2, tokensPerRequest: 100, tps1: 50, ttftMs: 0, alpha: 0.5 });
    expect(plan.sequentialMs).toBe(4000);
    expect(plan.parallelMs).toBeCloseTo(3000);
    expect(plan.reason).toContain('α = 0.50');
  });
});

describe('measureContention', () => {
  it('runs each level and estimates α from what it measured', async () => {
    const alpha = 0.6;
    const result = await measureContention(async (n) => Array.from({ length: n }, () => effectiveTps(30, n, alpha) / n), [1, 2, 4]);
    expect(result.samples).toHaveLength(7);
    expect(result.alpha).toBeCloseTo(alpha, 6);
  });
});

describe('streamTps', () => {
  it('tokens after the first over the time after the first', () => {
    expect(streamTps([0, 50, 100, 150])).toBe(20);
    expect(streamTps([10])).toBeNull();
    expect(streamTps([5, 5])).toBeNull();
  });
});

describe('contention groups', () => {
  it.each([
    [null, 'local'],
    [undefined, 'local'],
    ['', 'local'],
    ['gpu-box:8080', 'remote:gpu-box:8080'],
  ] as const)('member on endpoint %s is in group %s', (endpointId, group) => {
    expect(contentionGroupOf(endpointId)).toBe(group);
  });

  it('estimates α per group from that group\'s samples only', () => {
    const tps1 = 40;
    const at = (group: 'local' | 'remote:a', n: number, alpha: number) => ({ group, concurrent: n, streamTps: effectiveTps(tps1, n, alpha) / n });
    const samples = [at('local', 1, 1.5), at('local', 2, 1.5), at('remote:a', 1, 0.2), at('remote:a', 3, 0.2), at('local', 3, 1.5)];
    const byGroup = estimateAlphaByGroup(samples);
    expect(byGroup.get('local')!.alpha).toBeCloseTo(1.5, 6);
    expect(byGroup.get('remote:a')!.alpha).toBeCloseTo(0.2, 6);
    expect([...byGroup.keys()].sort()).toEqual(['local', 'remote:a']);
    // Mixed into one estimate the two would give neither.
    expect(estimateAlpha(samples).alpha).not.toBeCloseTo(1.5, 1);
  });
});

describe('fairness', () => {
  it.each([
    ['no members', [], null],
    ['one member', [30], null],
    ['two alike', [30, 30], 1],
    ['four alike', [12, 12, 12, 12], 1],
    ['one starved of two', [30, 0], 0.5],
    ['one of four has it all', [40, 0, 0, 0], 0.25],
    ['2 : 1', [20, 10], 0.9],
    ['all stopped', [0, 0], 1],
    ['a non-finite rate is left out', [30, Number.NaN, 30], 1],
  ] as const)('Jain index, %s', (_name, rates, expected) => {
    const index = jainIndex(rates);
    if (expected === null) expect(index).toBeNull();
    else expect(index).toBeCloseTo(expected, 6);
  });

  it('is judged per group from each member\'s median rate', () => {
    const s = (group: 'local' | 'remote:a', memberId: string, streamTps: number) => ({ group, memberId, concurrent: 1, streamTps });
    const byGroup = fairnessByGroup([
      // Local: A and B alike (B's one outlier is its median's business); the server's members 5× faster, also alike.
      s('local', 'A', 10),
      s('local', 'A', 10),
      s('local', 'B', 10),
      s('local', 'B', 10),
      s('local', 'B', 1),
      s('remote:a', 'R1', 50),
      s('remote:a', 'R2', 50),
    ]);
    expect(byGroup.get('local')).toBeCloseTo(1, 6);
    expect(byGroup.get('remote:a')).toBeCloseTo(1, 6);
    // Mixed in one group, the server's speed would read as unfairness to the local members.
    expect(jainIndex([10, 10, 50, 50])!).toBeLessThan(0.75);
  });
});
