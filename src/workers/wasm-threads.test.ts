import { describe, expect, it } from 'vitest';
import { chooseWasmThreads, type WasmThreadInputs } from './wasm-threads.ts';

describe('chooseWasmThreads', () => {
  const cases: [string, WasmThreadInputs, number][] = [
    ['not isolated: no SharedArrayBuffer, one thread', { crossOriginIsolated: false, hardwareConcurrency: 8, parameters: 135e6 }, 1],
    ['tiny model: threads cost more than they save', { crossOriginIsolated: true, hardwareConcurrency: 8, parameters: 100_000 }, 1],
    ['2 cores: one is left to the page', { crossOriginIsolated: true, hardwareConcurrency: 2, parameters: 15e6 }, 1],
    ['4 cores: three for the model', { crossOriginIsolated: true, hardwareConcurrency: 4, parameters: 15e6 }, 3],
    ['2 cores, 135M model: memory-bound, both cores', { crossOriginIsolated: true, hardwareConcurrency: 2, parameters: 135e6 }, 2],
    ['16 cores capped at 4', { crossOriginIsolated: true, hardwareConcurrency: 16, parameters: 135e6 }, 4],
    ['unknown core count', { crossOriginIsolated: true, hardwareConcurrency: 0, parameters: 135e6 }, 1],
    ['asked for 2 on 2 cores: a tiny model gets them too', { crossOriginIsolated: true, hardwareConcurrency: 2, parameters: 100_000, requested: 2 }, 2],
    ['asked for 1: one, whatever the model', { crossOriginIsolated: true, hardwareConcurrency: 8, parameters: 135e6, requested: 1 }, 1],
    ['asked for 8 on 2 cores: the cores bound it', { crossOriginIsolated: true, hardwareConcurrency: 2, parameters: 15e6, requested: 8 }, 2],
    ['asked for 16 on 16 cores: capped at 4', { crossOriginIsolated: true, hardwareConcurrency: 16, parameters: 15e6, requested: 16 }, 4],
    ['asked for 2, not isolated: one', { crossOriginIsolated: false, hardwareConcurrency: 8, parameters: 15e6, requested: 2 }, 1],
    ['asked for 0: one', { crossOriginIsolated: true, hardwareConcurrency: 8, parameters: 15e6, requested: 0 }, 1],
  ];
  it.each(cases)('%s', (_, inputs, expected) => {
    expect(chooseWasmThreads(inputs)).toBe(expected);
  });
});
