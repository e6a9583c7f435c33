import { describe, expect, it } from 'vitest';
import { admit, effectiveBudget, evictionOrder, freeBytes, learnBudgetFromOom, usedBytes, type Ledger, type LedgerEntry } from './ledger.ts';

const GB = 1e9;
const entry = (memberId: string, gb: number, lastUsedAtMs: number, state: LedgerEntry['state'] = 'idle'): LedgerEntry => ({
  memberId,
  label: memberId,
  footprintBytes: gb * GB,
  lastUsedAtMs,
  state,
});
const ledger = (...entries: LedgerEntry[]): Ledger => ({ entries });
const budget = (gb: number, perModelGb: number | null = null) => ({ bytes: gb * GB, perModelMaxBytes: perModelGb === null ? null : perModelGb * GB });
const mid = { maxResident: 2, tierLabel: 'Mid' };
const high = { maxResident: 6, tierLabel: 'High' };
const low = { maxResident: 1, tierLabel: 'Low' };
const C = (gb: number) => ({ memberId: 'C', label: 'C', footprintBytes: gb * GB });

describe('ledger sums', () => {
  it('used and free', () => {
    const l = ledger(entry('A', 1, 0), entry('B', 0.5, 0, 'busy'));
    expect(usedBytes(l)).toBe(1.5 * GB);
    expect(freeBytes(l, 4 * GB)).toBe(2.5 * GB);
  });

  it('eviction order: idle only, least recently used first, ties by id', () => {
    const l = ledger(entry('B', 1, 5), entry('A', 1, 5), entry('D', 1, 1), entry('E', 1, 0, 'busy'), entry('F', 1, 0, 'loading'), entry('G', 1, 0, 'unloading'));
    expect(evictionOrder(l).map((e) => e.memberId)).toEqual(['D', 'A', 'B']);
  });
});

describe('admit', () => {
  it.each([
    // name, ledger, candidate GB, budget GB, cap, expected action, evicted ids / waitFor
    ['fits: load', ledger(entry('A', 1, 0)), 1, 4, high, 'load', []],
    ['exactly fits: load', ledger(entry('A', 1, 0)), 3, 4, high, 'load', []],
    ['too big for the whole budget: refuse', ledger(), 5, 4, high, 'refuse', []],
    ['evicts the LRU idle member only', ledger(entry('A', 1, 10), entry('B', 1, 5)), 2.5, 4, high, 'evict', ['B']],
    ['evicts as many as needed, oldest first', ledger(entry('A', 1, 10), entry('B', 1, 5), entry('D', 1, 7)), 3, 4, high, 'evict', ['B', 'D']],
    ['never evicts busy members: defer', ledger(entry('A', 2, 0, 'busy'), entry('B', 1, 0, 'busy')), 2, 4, high, 'defer', ['A']],
    ['idle members alone would not do: defer, evict nothing', ledger(entry('A', 3, 0, 'busy'), entry('B', 0.5, 0)), 1.5, 4, high, 'defer', ['A']],
    ['resident cap on Mid: evict the idle one', ledger(entry('A', 0.1, 3), entry('B', 0.1, 1)), 0.1, 4, mid, 'evict', ['B']],
    ['resident cap with both busy: defer', ledger(entry('A', 0.1, 3, 'busy'), entry('B', 0.1, 1, 'busy')), 0.1, 4, mid, 'defer', ['B']],
    ['Low keeps one model: evict it when idle', ledger(entry('A', 0.1, 3)), 0.1, 4, low, 'evict', ['A']],
    ['Low keeps one model: defer while it runs', ledger(entry('A', 0.1, 3, 'busy')), 0.1, 4, low, 'defer', ['A']],
    ['a loading member is not evicted', ledger(entry('A', 3, 0, 'loading')), 2, 4, high, 'defer', ['A']],
    ['memory being freed counts until freed', ledger(entry('A', 3, 0, 'unloading')), 2, 4, high, 'defer', []],
  ] as const)('%s', (_name, l, gb, budgetGb, cap, action, ids) => {
    const decision = admit(l, C(gb), budget(budgetGb), cap);
    expect(decision.action).toBe(action);
    if (decision.action === 'evict') expect(decision.evict.map((e) => e.memberId)).toEqual(ids);
    if (decision.action === 'defer') expect(decision.waitFor).toEqual(ids);
  });

  it('says why it defers, with the numbers and what it waits for', () => {
    const decision = admit(ledger(entry('A', 1.1, 0, 'busy')), C(1.1), budget(1.7), high);
    expect(decision).toMatchObject({
      action: 'defer',
      reason: 'memory',
      message: 'Not enough memory to load C beside A (needs 1.1 GB, 0.6 GB free); it will load when A is idle.',
    });
  });

  it('names every member it waits for', () => {
    const decision = admit(ledger(entry('A', 1, 0, 'busy'), entry('B', 1, 1, 'busy')), C(2.5), budget(3), high);
    expect(decision.action).toBe('defer');
    expect(decision.message).toContain('when A and B are idle');
  });

  it('explains a resident-cap deferral by the tier', () => {
    const decision = admit(ledger(entry('A', 0.1, 3, 'busy')), C(0.1), budget(4), low);
    expect(decision.message).toBe('Low tier keeps one model loaded: C waits; it will load when A is idle.');
  });

  it('explains an eviction', () => {
    const decision = admit(ledger(entry('A', 1, 10), entry('B', 1, 5)), C(2.5), budget(4), high);
    expect(decision.message).toBe('Unloading B (least recently used, idle) to make room for C (needs 2.5 GB, 2.0 GB free).');
  });

  it('refuses what one engine cannot hold, and says so', () => {
    const decision = admit(ledger(), C(5), budget(8, 4), high);
    expect(decision.action).toBe('refuse');
    expect(decision.message).toContain('more than one engine can hold');
    expect(admit(ledger(), C(5), budget(4), high).message).toBe(
      'C needs 5.0 GB, more than the whole memory budget of 4.0 GB; it cannot load on this machine.',
    );
  });

  it('defers everything while loads are paused, with the reason', () => {
    const decision = admit(ledger(), C(0.1), budget(4), high, 'memory is at 93 %.');
    expect(decision).toMatchObject({ action: 'defer', reason: 'paused', message: 'C waits to load: memory is at 93 %.' });
  });

  it('ignores the candidate\'s own stale entry', () => {
    expect(admit(ledger(entry('C', 3, 0)), C(3), budget(4), high).action).toBe('load');
  });
});

describe('learned budget', () => {
  it('a real out-of-memory lowers the budget below where it struck, never raises it', () => {
    expect(learnBudgetFromOom(4 * GB, 1 * GB, 2 * GB)).toBe(2.7 * GB);
    expect(learnBudgetFromOom(2 * GB, 1 * GB, 2 * GB)).toBe(2 * GB);
    expect(learnBudgetFromOom(4 * GB, 0, 0)).toBe(0);
  });

  it('the effective budget is the lower of the tier\'s and the learned one', () => {
    expect(effectiveBudget(4 * GB, null)).toBe(4 * GB);
    expect(effectiveBudget(4 * GB, 3 * GB)).toBe(3 * GB);
    expect(effectiveBudget(2 * GB, 3 * GB)).toBe(2 * GB);
  });
});
