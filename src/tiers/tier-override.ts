// The user's tier override, persisted so that it survives reloads and is shown as an override.
// localStorage: tiny, synchronous (the tier is needed before the first frame), and per origin.

import { TIERS, type Tier } from './report';
import { pageStorage as defaultStore, type PreferenceStorage } from '../lib/page-storage.ts';

const STORAGE_KEY = 'wirthforge.tier-override';

/** The part of Storage used here, so tests can pass a Map-backed fake. */
export interface OverrideStore extends PreferenceStorage {
  removeItem(key: string): void;
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
