import { describe, expect, it } from 'vitest';
import { DEFAULT_DISK_CAPS, planDiskEviction, type DiskPlan, type StoredEntryFacts } from './disk-eviction.ts';

const e = (key: string, storedAt: number, bytes: number): StoredEntryFacts => ({ key, storedAt, bytes });

describe('planDiskEviction', () => {
  it.each<[string, StoredEntryFacts[], StoredEntryFacts, { maxBytes: number; maxEntries: number }, DiskPlan]>([
    ['room for it: nothing goes', [e('a', 1, 10), e('b', 2, 10)], e('n', 3, 10), { maxBytes: 100, maxEntries: 5 }, { store: true, evict: [] }],
    ['over the byte cap: oldest first', [e('b', 2, 40), e('a', 1, 40), e('c', 3, 10)], e('n', 4, 30), { maxBytes: 100, maxEntries: 10 }, { store: true, evict: ['a'] }],
    ['over the byte cap by much: several', [e('a', 1, 40), e('b', 2, 40), e('c', 3, 10)], e('n', 4, 90), { maxBytes: 100, maxEntries: 10 }, { store: true, evict: ['a', 'b'] }],
    ['over the entry cap', [e('a', 1, 1), e('b', 2, 1), e('c', 3, 1)], e('n', 4, 1), { maxBytes: 100, maxEntries: 3 }, { store: true, evict: ['a'] }],
    ['both caps: enough for both', [e('a', 1, 50), e('b', 2, 1), e('c', 3, 1)], e('n', 4, 60), { maxBytes: 100, maxEntries: 3 }, { store: true, evict: ['a'] }],
    ['same time: key order', [e('y', 1, 50), e('x', 1, 50)], e('n', 2, 50), { maxBytes: 100, maxEntries: 10 }, { store: true, evict: ['x'] }],
    ['replacing the same key does not evict others', [e('a', 1, 50), e('n', 2, 50)], e('n', 3, 50), { maxBytes: 100, maxEntries: 2 }, { store: true, evict: [] }],
    ['larger than the tier: refused, nothing deleted', [e('a', 1, 10)], e('n', 2, 101), { maxBytes: 100, maxEntries: 10 }, { store: false, reason: 'too-large' }],
    ['exactly the whole tier: everything else goes', [e('a', 1, 10), e('b', 2, 10)], e('n', 3, 100), { maxBytes: 100, maxEntries: 10 }, { store: true, evict: ['a', 'b'] }],
    ['empty store', [], e('n', 1, 10), { maxBytes: 100, maxEntries: 1 }, { store: true, evict: [] }],
  ])('%s', (_name, stored, incoming, caps, plan) => {
    expect(planDiskEviction(stored, incoming, caps)).toEqual(plan);
  });

  it('defaults to 8 MB and 500 answers', () => {
    expect(DEFAULT_DISK_CAPS).toEqual({ maxBytes: 8_000_000, maxEntries: 500 });
  });
});
