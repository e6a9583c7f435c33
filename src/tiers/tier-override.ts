// The user's tier override, persisted so that it survives reloads and is shown as an override.
// localStorage: tiny, synchronous (the tier is needed before the first frame), and per origin.

import { TIERS, type Tier } from './report';

const STORAGE_KEY = 'wirthforge.tier-override';

/** The part of Storage used here, so tests can pass a Map-backed fake. */
export interface OverrideStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Workers have no localStorage, and touching it can throw SecurityError (blocked storage, file://). */
function defaultStore(): OverrideStore | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function readTierOverride(store: OverrideStore | null = defaultStore()): Tier | null {
  try {
    const value = store?.getItem(STORAGE_KEY) ?? null;
    // Anything else (an old format, a hand edit) is no override rather than an invalid tier.
    return TIERS.find((tier) => tier === value) ?? null;
  } catch {
    return null;
  }
}

/** null clears the override. Returns whether it was persisted (false: it lasts only this session). */
export function writeTierOverride(tier: Tier | null, store: OverrideStore | null = defaultStore()): boolean {
  if (!store) return false;
  try {
    if (tier === null) store.removeItem(STORAGE_KEY);
    else store.setItem(STORAGE_KEY, tier);
    return true;
  } catch {
    // Quota exceeded or storage blocked.
    return false;
  }
}
