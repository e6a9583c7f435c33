/**
 * Whether the response cache answers runs on this page. On by default; the user's switch is kept like
 * the other preferences, and `?wf-cache=off` (or `on`) decides for one page load without changing it:
 * the benchmark and the tests that need two real runs of one prompt open the page that way.
 * `?wf-cache-replay=instant` shows a cached answer at once (the benchmark times the lookup, not a pace).
 */
import type { PreferenceStorage } from '../../lib/page-storage.ts';
import { DEFAULT_REPLAY_PACE, type ReplayPace } from '../../cache/replay-pacing.ts';

export const CACHE_PREFERENCE_KEY = 'wirthforge.response-cache';

export function cacheOverrideFromQuery(search: string): boolean | null {
  const value = new URLSearchParams(search).get('wf-cache');
  return value === 'off' ? false : value === 'on' ? true : null;
}

export function replayPaceFromQuery(search: string): ReplayPace {
  return new URLSearchParams(search).get('wf-cache-replay') === 'instant' ? { maxTotalMs: 0 } : DEFAULT_REPLAY_PACE;
}

export function readCachePreference(storage: PreferenceStorage | null): boolean {
  try {
    return storage?.getItem(CACHE_PREFERENCE_KEY) !== 'off';
  } catch {
    return true;
  }
}

export function writeCachePreference(storage: PreferenceStorage | null, enabled: boolean): void {
  try {
    storage?.setItem(CACHE_PREFERENCE_KEY, enabled ? 'on' : 'off');
  } catch {
    // Private mode or a full quota: the switch holds for this page.
  }
}
