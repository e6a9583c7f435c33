import { describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION, planRollover, retentionFromQuery, type StoredKey } from './retention.ts';

const DAY = 24 * 60 * 60 * 1000;
const NOW = 1_000 * DAY;
const keys = (...ats: number[]): StoredKey[] => ats.map((at, i) => ({ id: i + 1, at }));

describe('planRollover', () => {
  it.each<[string, StoredKey[], { maxRuns: number; maxAgeMs: number }, number[]]>([
    ['under both caps: nothing', keys(NOW - 3, NOW - 2, NOW - 1), { maxRuns: 5, maxAgeMs: DAY }, []],
    ['exactly at the count cap: nothing', keys(NOW - 3, NOW - 2, NOW - 1), { maxRuns: 3, maxAgeMs: DAY }, []],
    ['two over the count cap: the two oldest', keys(NOW - 5, NOW - 4, NOW - 3, NOW - 2, NOW - 1), { maxRuns: 3, maxAgeMs: DAY }, [1, 2]],
    ['oldest by time, whatever the id order', [{ id: 9, at: NOW - 1 }, { id: 3, at: NOW - 9 }, { id: 5, at: NOW - 5 }], { maxRuns: 2, maxAgeMs: DAY }, [3]],
    ['same millisecond: the lower id (written first) goes', [{ id: 8, at: NOW - 1 }, { id: 7, at: NOW - 1 }, { id: 6, at: NOW - 1 }], { maxRuns: 1, maxAgeMs: DAY }, [6, 7]],
    ['too old: deleted however few there are', keys(NOW - 3 * DAY, NOW - 2 * DAY, NOW - 1), { maxRuns: 100, maxAgeMs: DAY }, [1, 2]],
    ['count and age together, no id twice', keys(NOW - 5 * DAY, NOW - 4, NOW - 3, NOW - 2, NOW - 1), { maxRuns: 2, maxAgeMs: DAY }, [1, 2, 3]],
    ['all too old: the newest stays (a wrong clock must not empty the store)', keys(NOW - 9 * DAY, NOW - 8 * DAY), { maxRuns: 10, maxAgeMs: DAY }, [1]],
    ['a cap of 0 still keeps the newest', keys(NOW - 2, NOW - 1), { maxRuns: 0, maxAgeMs: DAY }, [1]],
    ['empty store', [], { maxRuns: 1, maxAgeMs: DAY }, []],
  ])('%s', (_name, stored, caps, expected) => {
    expect(planRollover(stored, caps, NOW)).toEqual(expected);
  });

  it('defaults to 5000 runs and 90 days', () => {
    expect(DEFAULT_RETENTION).toEqual({ maxRuns: 5000, maxAgeMs: 90 * DAY });
  });
});

describe('retentionFromQuery', () => {
  it.each([
    ['', DEFAULT_RETENTION.maxRuns],
    ['?wf-max-runs=5', 5],
    ['?a=1&wf-max-runs=12', 12],
    ['?wf-max-runs=0', DEFAULT_RETENTION.maxRuns],
    ['?wf-max-runs=-3', DEFAULT_RETENTION.maxRuns],
    ['?wf-max-runs=5x', DEFAULT_RETENTION.maxRuns],
    ['?wf-max-runs=999999', DEFAULT_RETENTION.maxRuns],
  ])('%j → %d runs', (search, maxRuns) => {
    expect(retentionFromQuery(search)).toEqual({ ...DEFAULT_RETENTION, maxRuns });
  });
});
