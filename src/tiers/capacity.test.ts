import { describe, expect, it } from 'vitest';
import {
  budgetFromPool,
  bytesReadPerToken,
  contentionAlpha,
  decodeCeilingTps,
  effectiveTps,
  fitsTogether,
  kvCacheBytes,
  maxModelParams,
  maxParamsWithFootprint,
  memoryBudget,
  modelFootprint,
  percentOfCeiling,
  bandwidthNeededGBps,
  weightsBytes,
  WASM32_MAX_BYTES,
  type ModelSpec,
} from './capacity';
import { appleMSeriesReport, intelIntegratedReport, noWebGpuReport, nvidiaDesktopReport, swiftShaderReport } from './fixtures';
import { resolveProfile } from './profiles';

/** SmolLM2-135M's shape: 30 layers, 3 KV heads of 64 dims (576 hidden / 9 heads). */
const smol: ModelSpec = { name: 'SmolLM2-135M', params: 135e6, dtype: 'fp32', layers: 30, kvHeads: 3, headDim: 64, contextTokens: 2048 };

describe('weights and KV cache', () => {
  it.each([
    ['fp32', 540e6],
    ['fp16', 270e6],
    ['q8', 135e6],
    ['q4', 67.5e6],
  ] as const)('135M params at %s = %d bytes', (dtype, bytes) => {
    expect(weightsBytes(135e6, dtype)).toBe(bytes);
  });

  it('KV cache = layers × 2 × kvHeads × headDim × context × bytes', () => {
    // 30 × 2 × 3 × 64 × 2048 × 4 = 94,371,840
    expect(kvCacheBytes(smol, 2048)).toBe(94_371_840);
    // fp16 weights keep an fp16 cache by default: half
    expect(kvCacheBytes({ ...smol, dtype: 'q4' }, 2048)).toBe(47_185_920);
    // q4f32 builds keep an f32 cache when told so
    expect(kvCacheBytes({ ...smol, dtype: 'q4', kvDtype: 'fp32' }, 2048)).toBe(94_371_840);
    // Llama-3.2-1B: 16 layers, 8 KV heads × 64, 4096 tokens, fp16 = 134,217,728
    expect(kvCacheBytes({ layers: 16, kvHeads: 8, headDim: 64, dtype: 'q4' }, 4096)).toBe(134_217_728);
  });

  it('footprint = weights + KV + 100 MB + 10 % of weights', () => {
    expect(modelFootprint(smol)).toEqual({
      weightsBytes: 540e6,
      kvCacheBytes: 94_371_840,
      overheadBytes: 154e6,
      totalBytes: 540e6 + 94_371_840 + 154e6,
    });
  });
});

describe('max model size', () => {
  it.each([
    [6.4e9, 'fp32', 1.6e9],
    [6.4e9, 'fp16', 3.2e9],
    [6.4e9, 'q8', 6.4e9],
    [6.4e9, 'q4', 12.8e9],
    [-1, 'q4', 0],
  ] as const)('budget %d at %s → %d params (0.8·V / bytes per param)', (budget, dtype, params) => {
    expect(maxModelParams(budget, dtype)).toBe(params);
  });

  it('with KV cache and overhead included it is smaller, and its result fits exactly', () => {
    const params = maxParamsWithFootprint(1e9, { ...smol, dtype: 'q4' });
    expect(modelFootprint({ ...smol, dtype: 'q4', params }).totalBytes).toBeLessThanOrEqual(1e9);
    expect(modelFootprint({ ...smol, dtype: 'q4', params: params + 2 }).totalBytes).toBeGreaterThan(1e9);
  });
});

describe('fitsTogether', () => {
  const fp = (totalBytes: number) => ({ weightsBytes: 0, kvCacheBytes: 0, overheadBytes: 0, totalBytes });
  it.each([
    [[1e9, 2e9], 3e9, true, 0],
    [[1e9, 2e9], 2.9e9, false, -0.1e9],
    [[], 1e9, true, 1e9],
  ])('%j in %d → %s', (sizes, budget, fits, spare) => {
    const result = fitsTogether(sizes.map(fp), budget);
    expect(result.fits).toBe(fits);
    expect(result.spareBytes).toBeCloseTo(spare, 0);
  });
});

describe('parallel throughput', () => {
  it.each([
    [80, 1, 0.4, 80],
    [80, 3, 0.4, 240 / 1.8], // 133.33…
    [80, 2, 0.3, 160 / 1.3],
    [80, 3, 0, 240],
    [80, 3, 1, 80],
    [80, 0, 0.4, 0],
  ])('TPS₁ %d, N %d, α %d → %d', (tps1, n, alpha, expected) => {
    expect(effectiveTps(tps1, n, alpha)).toBeCloseTo(expected, 9);
  });

  it('α measured from the combined TPS inverts the formula', () => {
    expect(contentionAlpha(80, 3, 240 / 1.8)).toBeCloseTo(0.4, 12);
    expect(contentionAlpha(80, 1, 80)).toBe(0);
  });
});

describe('decode ceiling', () => {
  it('135M fp32 at 31 GB/s: ceiling 57.4 tok/s, and 32 tok/s is 56 % of it', () => {
    const ceiling = decodeCeilingTps(31, bytesReadPerToken(smol));
    expect(ceiling).toBeCloseTo(57.407, 3);
    expect(percentOfCeiling(32, ceiling)).toBeCloseTo(55.74, 2);
  });

  it('reads the KV cache up to the position too', () => {
    expect(bytesReadPerToken(smol, 1024)).toBe(540e6 + 47_185_920);
  });

  it('bandwidth needed is the inverse of the ceiling', () => {
    expect(bandwidthNeededGBps(80, 0.35e9, 0.6)).toBeCloseTo(46.667, 3);
    expect(decodeCeilingTps(bandwidthNeededGBps(57, 540e6), 540e6)).toBeCloseTo(57, 9);
    expect(decodeCeilingTps(31, 0)).toBe(0);
  });
});

describe('memory budget', () => {
  it('min(0.8·V, V − reserve)', () => {
    expect(budgetFromPool(16e9, 0.8, 1e9)).toBe(12.8e9);
    expect(budgetFromPool(4e9, 0.8, 1e9)).toBe(3e9); // the reserve binds on small machines
    expect(budgetFromPool(0.5e9, 0.8, 1e9)).toBe(0);
  });

  it('this machine (Low, WASM): 80 % of the reported 16 GB, 4 GiB per engine', () => {
    const budget = memoryBudget(swiftShaderReport, resolveProfile('low', swiftShaderReport));
    expect(budget).toMatchObject({ backend: 'wasm', poolBytes: 16e9, bytes: 12.8e9, perModelMaxBytes: WASM32_MAX_BYTES });
    expect(budget.assumptions).toEqual([
      'The browser reports 16.0 GB of RAM (navigator.deviceMemory rounds down and may be capped, so there may be more).',
      'Models may use 80 % of it, keeping at least 1.0 GB free for the browser and the system: 12.8 GB.',
      'One WASM engine addresses at most 4 GiB (32-bit WebAssembly).',
    ]);
  });

  it('no deviceMemory: 4 GB assumed, and the reserve binds', () => {
    const budget = memoryBudget(noWebGpuReport, resolveProfile('low', noWebGpuReport));
    expect(budget.bytes).toBe(3e9);
    expect(budget.assumptions[0]).toBe('This browser does not report its RAM; 4.0 GB is assumed.');
  });

  it('discrete GPU: the tier’s assumed VRAM', () => {
    const high = memoryBudget(nvidiaDesktopReport, resolveProfile('high', nvidiaDesktopReport));
    expect(high).toMatchObject({ backend: 'webgpu', poolBytes: 16e9, bytes: 12.8e9, perModelMaxBytes: null });
    expect(high.assumptions[1]).toContain('discrete GPU is assumed to have 16.0 GB');
    expect(memoryBudget(nvidiaDesktopReport, resolveProfile('mid', nvidiaDesktopReport)).bytes).toBe(4.8e9);
  });

  it('shared-memory GPU: no more than the RAM', () => {
    const apple8 = { ...appleMSeriesReport, deviceMemoryGiB: 8 };
    expect(memoryBudget(apple8, resolveProfile('high', apple8))).toMatchObject({ poolBytes: 8e9, bytes: 6e9 });
    expect(memoryBudget(intelIntegratedReport, resolveProfile('mid', intelIntegratedReport)).poolBytes).toBe(6e9);
  });
});
