import { describe, expect, it } from 'vitest';
import { downloadAsk, modelsUsedBy } from './downloads.ts';
import { plansFor } from './plans.ts';
import { SCENARIO_IDS, type ScenarioId } from './types.ts';

const STORIES_BYTES = 61_800_000;
const quick = plansFor('quick');
const standard = plansFor('standard');
const nothingStored = (id: string): number | null => ({ 'wf-tiny': 152_000, 'wf-stories15m': STORIES_BYTES })[id] ?? null;
const allStored = (): number => 0;

describe('modelsUsedBy', () => {
  it.each<[ScenarioId, string[]]>([
    ['sustained', ['wf-stories15m', 'wf-tiny']],
    ['burst', ['wf-tiny']],
    ['plugin-heavy', ['wf-tiny']],
    ['context-sweep', ['wf-stories15m']],
    ['council-marathon', []],
    ['overload', []],
    ['overhead-sweep', []],
    ['concurrency-sweep', []],
    ['engine-grid', ['wf-tiny', 'wf-tiny-gguf-f32', 'wf-tiny-gguf-q8_0', 'wf-tiny-gguf-q4_0']],
  ])('quick %s loads %j', (id, models) => {
    expect(modelsUsedBy(id, quick)).toEqual(models);
  });

  it('standard bursts run wf-stories15m', () => {
    expect(modelsUsedBy('burst', standard)).toEqual(['wf-stories15m']);
  });

  it('the standard grid runs wf-stories15m and its GGUF builds', () => {
    expect(modelsUsedBy('engine-grid', standard)).toEqual(['wf-stories15m', 'wf-stories15m-gguf-f32', 'wf-stories15m-gguf-q8_0', 'wf-stories15m-gguf-q4_0']);
  });
});

describe('downloadAsk', () => {
  it.each<[string, ScenarioId[], (id: string) => number | null, string[] | null]>([
    ['the sustained stream fetches wf-stories15m: ask', ['sustained'], nothingStored, ['wf-stories15m', 'wf-tiny']],
    ['wf-tiny alone is too small to ask about', ['burst'], nothingStored, null],
    ['simulated members fetch nothing', ['overhead-sweep', 'overload'], nothingStored, null],
    ['everything stored: nothing to ask', [...SCENARIO_IDS], allStored, null],
    ['a model missing from this build is left to the scenario', ['context-sweep'], () => null, null],
    ['run all: each model once', [...SCENARIO_IDS], nothingStored, ['wf-stories15m', 'wf-tiny']],
  ])('%s', (_, ids, missing, expected) => {
    const ask = downloadAsk(ids, quick, missing);
    expect(ask?.models.map((m) => m.modelId) ?? null).toEqual(expected);
  });

  it('says how much, of what, from where', () => {
    const ask = downloadAsk(['sustained'], quick, (id) => (id === 'wf-stories15m' ? STORIES_BYTES : 0))!;
    expect(ask.totalBytes).toBe(STORIES_BYTES);
    expect(ask.text).toBe("This run fetches 61.8 MB of model files that are not stored on this device yet: wf-stories15m (61.8 MB). They come from this app's server and are kept for offline use.");
  });
});
