import { describe, expect, it } from 'vitest';
import { GREEDY } from '../../models/sampling.ts';
import { SamplingStore, readStoredSampling, type SettingsStorage } from './sampling-store.ts';

function memory(initial: Record<string, string> = {}): SettingsStorage & { items: Record<string, string> } {
  const items = { ...initial };
  return { items, getItem: (k) => items[k] ?? null, setItem: (k, v) => void (items[k] = v) };
}

describe('SamplingStore', () => {
  it('starts greedy on a device with nothing stored', () => {
    const store = new SamplingStore(memory());
    expect(store.settings.value).toEqual(GREEDY);
  });

  it('keeps valid settings for the next visit, and never a mistake', () => {
    const storage = memory();
    const store = new SamplingStore(storage);
    store.set('temperature', '0.7');
    store.set('seed', '42');
    expect(new SamplingStore(storage).settings.value).toEqual({ ...GREEDY, temperature: 0.7, seed: 42 });
    store.set('topP', '0');
    expect(store.settings.value).toBeNull();
    expect(store.errorOf('topP')).toMatch(/Top-p/);
    expect(store.errorOf('temperature')).toBeNull();
    expect(store.input.value.topP).toBe('0');
    expect(new SamplingStore(storage).settings.value).toEqual({ ...GREEDY, temperature: 0.7, seed: 42 });
  });

  it('resets to greedy, and stores that', () => {
    const storage = memory();
    const store = new SamplingStore(storage);
    store.set('temperature', '1.2');
    store.reset();
    expect(store.settings.value).toEqual(GREEDY);
    expect(readStoredSampling(storage)).toEqual(GREEDY);
  });

  it.each([
    ['not JSON', '{'],
    ['out of range', JSON.stringify({ ...GREEDY, temperature: 7 })],
  ])('reads a stored value that is %s as greedy', (_, text) => {
    expect(readStoredSampling(memory({ 'wirthforge.sampling': text }))).toEqual(GREEDY);
  });

  it('works without storage at all', () => {
    const store = new SamplingStore(null);
    store.set('temperature', '0.5');
    expect(store.settings.value?.temperature).toBe(0.5);
  });
});
