import { describe, expect, it } from 'vitest';
import { cacheOverrideFromQuery, readCachePreference, replayPaceFromQuery, writeCachePreference } from './cache-mode.ts';
import { DEFAULT_REPLAY_PACE } from '../../cache/replay-pacing.ts';

const memoryStorage = () => {
  const map = new Map<string, string>();
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
};

describe('cache mode', () => {
  it.each<[string, boolean | null]>([
    ['', null],
    ['?wf-cache=off', false],
    ['?a=1&wf-cache=on', true],
    ['?wf-cache=OFF', null],
    ['?wf-cache', null],
  ])('%j overrides with %s', (search, expected) => {
    expect(cacheOverrideFromQuery(search)).toBe(expected);
  });

  it.each([
    ['', DEFAULT_REPLAY_PACE],
    ['?wf-cache-replay=instant', { maxTotalMs: 0 }],
    ['?wf-cache-replay=slow', DEFAULT_REPLAY_PACE],
  ])('%j paces replays as %j', (search, pace) => {
    expect(replayPaceFromQuery(search)).toEqual(pace);
  });

  it('is on until switched off, and remembers the switch', () => {
    const storage = memoryStorage();
    expect(readCachePreference(storage)).toBe(true);
    expect(readCachePreference(null)).toBe(true);
    writeCachePreference(storage, false);
    expect(readCachePreference(storage)).toBe(false);
    writeCachePreference(storage, true);
    expect(readCachePreference(storage)).toBe(true);
  });
});
