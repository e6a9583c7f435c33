/**
 * Preferences live in localStorage: tiny, synchronous (some are needed before the first frame), per
 * origin. Workers have none, and touching it can throw SecurityError (blocked storage, file://), so
 * every reader goes through `pageStorage()` and treats null as "nothing stored, nothing kept".
 */

/** The part of Storage a preference uses, so tests can pass a Map-backed fake. */
export interface PreferenceStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function pageStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
