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
  ];
  it.each(cases)('%s', (_, inputs, expected) => {
    expect(chooseWasmThreads(inputs)).toBe(expected);
  });
});
