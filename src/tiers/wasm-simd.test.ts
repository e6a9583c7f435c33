import { describe, expect, it } from 'vitest';
import { FLOPS_PER_ITERATION, SUM_STEP_BYTES, buildSimdModule, instantiateSimd, simdSupported } from './wasm-simd';

describe('hand-assembled WASM SIMD module', () => {
  it.each([false, true])('validates (shared memory: %s)', (shared) => {
    expect(WebAssembly.validate(buildSimdModule({ shared }))).toBe(true);
    expect(simdSupported(shared)).toBe(true);
  });

  it('exports sum and flops, and imports one memory', () => {
    const module = new WebAssembly.Module(buildSimdModule({ shared: false }));
    expect(WebAssembly.Module.exports(module)).toEqual([
      { name: 'sum', kind: 'function' },
      { name: 'flops', kind: 'function' },
    ]);
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'mem', kind: 'memory' }]);
  });

  it.each([false, true])('sum returns the exact sum of a known buffer (shared memory: %s)', (shared) => {
    const pages = 16; // 1 MiB
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared } as WebAssembly.MemoryDescriptor);
    const kernels = instantiateSimd(new WebAssembly.Module(buildSimdModule({ shared })), memory);
    const floats = new Float32Array(memory.buffer);
    // Small integers: every partial sum is exact in f32, so the answer must be exact too.
    for (let i = 0; i < floats.length; i++) floats[i] = i % 7;
    let expected = 0;
    for (let i = 0; i < floats.length; i++) expected += floats[i]!;
    expect(kernels.sum(0, floats.length * 4)).toBe(expected);
    // A slice: 3 steps of 128 bytes starting at byte 256 (floats 64..159).
    let slice = 0;
    for (let i = 64; i < 64 + (3 * SUM_STEP_BYTES) / 4; i++) slice += floats[i]!;
    expect(kernels.sum(256, 3 * SUM_STEP_BYTES)).toBe(slice);
    expect(kernels.sum(0, 0)).toBe(0);
  });

  it('flops stays bounded and finite however long it runs', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const kernels = instantiateSimd(new WebAssembly.Module(buildSimdModule({ shared: false })), memory);
    // 0 iterations: the horizontal sum of the 8 chains' starting values, 4 lanes each.
    expect(kernels.flops(0)).toBeCloseTo(4 * (0.05 + 0.15 + 0.25 + 0.35 + 0.45 + 0.55 + 0.65 + 0.75), 4);
    const after = kernels.flops(100_000);
    expect(Number.isFinite(after)).toBe(true);
    expect(after).toBeGreaterThan(0);
    expect(after).toBeLessThan(32);
    expect(FLOPS_PER_ITERATION).toBe(64);
  });
});
