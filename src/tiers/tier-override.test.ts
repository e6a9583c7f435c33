import { describe, expect, it } from 'vitest';
import { readTierOverride, writeTierOverride, type OverrideStore } from './tier-override';

function memoryStore(): OverrideStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

const broken: OverrideStore = {
  getItem: () => {
    throw new Error('SecurityError');
  },
  setItem: () => {
    throw new Error('QuotaExceededError');
  },
  removeItem: () => {
    throw new Error('SecurityError');
  },
};

describe('tier override', () => {
  it('persists, reads back and clears', () => {
    const store = memoryStore();
    expect(readTierOverride(store)).toBeNull();
    expect(writeTierOverride('high', store)).toBe(true);
    expect(readTierOverride(store)).toBe('high');
    expect(writeTierOverride(null, store)).toBe(true);
    expect(readTierOverride(store)).toBeNull();
  });

  it('ignores values that are not tiers', () => {
    const store = memoryStore();
    store.data.set('wirthforge.tier-override', 'ultra');
    expect(readTierOverride(store)).toBeNull();
  });

  it('never throws when storage is missing or blocked', () => {
    expect(readTierOverride(null)).toBeNull();
    expect(writeTierOverride('low', null)).toBe(false);
    expect(readTierOverride(broken)).toBeNull();
    expect(writeTierOverride('low', broken)).toBe(false);
    // Node has no localStorage: the default store is absent, not an error.
    expect(readTierOverride()).toBeNull();
  });
});
