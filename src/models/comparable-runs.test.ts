import { describe, expect, it } from 'vitest';
import { isComparableRun, LIKE_FOR_LIKE, type ComparableOptions, type ComparableRun, type RunTarget } from './comparable-runs.ts';

const TARGET: RunTarget = { modelId: 'wf-tiny', device: 'wasm', dtype: 'fp32', hardwareId: 'hw-a' };
const RATES_ONLY: ComparableOptions = { matchDtype: true, decodeRateOnly: true };
const ANY_DTYPE: ComparableOptions = { matchDtype: false, decodeRateOnly: true };

const run = (over: Partial<ComparableRun> = {}): ComparableRun => ({ modelId: 'wf-tiny', device: 'wasm', dtype: 'fp32', hardwareId: 'hw-a', decodeTps: 200, outputTokens: 16, ...over });

describe('isComparableRun', () => {
  const cases: Array<{ name: string; run: ComparableRun; target?: RunTarget; options?: ComparableOptions; comparable: boolean }> = [
    { name: 'the same build on the same device and machine', run: run(), comparable: true },
    { name: 'another model', run: run({ modelId: 'wf-alphabet' }), comparable: false },
    { name: 'the other device', run: run({ device: 'webgpu' }), comparable: false },
    { name: 'other hardware', run: run({ hardwareId: 'hw-b' }), comparable: false },
    { name: "a run kept before the hardware was recorded counts as this machine's", run: run({ hardwareId: null }), comparable: true },
    { name: "this machine's hardware not known yet: no run is left out for it", run: run({ hardwareId: 'hw-b' }), target: { ...TARGET, hardwareId: null }, comparable: true },
    { name: 'another precision', run: run({ dtype: 'q8' }), comparable: false },
    { name: 'an unrecorded precision is not fp32', run: run({ dtype: null }), comparable: false },
    { name: 'another precision, where the record does not name the build', run: run({ dtype: 'q8' }), options: ANY_DTYPE, comparable: true },
    { name: 'a one-token run is like for like (it has a first token)', run: run({ outputTokens: 1, decodeTps: 0 }), comparable: true },
    { name: 'a one-token run has no decode rate to compare', run: run({ outputTokens: 1 }), options: RATES_ONLY, comparable: false },
    { name: 'a zero rate is no decode rate', run: run({ decodeTps: 0 }), options: RATES_ONLY, comparable: false },
    { name: 'a NaN rate is no decode rate', run: run({ decodeTps: Number.NaN }), options: RATES_ONLY, comparable: false },
    { name: 'two tokens at a rate compare', run: run({ outputTokens: 2 }), options: RATES_ONLY, comparable: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(isComparableRun(c.run, c.target ?? TARGET, c.options ?? LIKE_FOR_LIKE)).toBe(c.comparable);
    });
  }
});
