import { describe, expect, it } from 'vitest';
import { describeCpu, sameCpu, widestVectors, type CpuDescription } from './cpu.ts';

describe('widestVectors', () => {
  it.each<[string[], CpuDescription['vectors']]>([
    [['sse2', 'avx', 'avx2', 'avx512f', 'avx512dq'], 'avx512'],
    [['sse2', 'sse4_2', 'avx', 'avx2', 'fma'], 'avx2'],
    [['sse2', 'avx'], 'avx'],
    [['sse2', 'sse4_2'], 'sse'],
    [['fp', 'asimd'], 'other'],
    [[], 'other'],
  ])('%j → %s', (flags, expected) => {
    expect(widestVectors(flags)).toBe(expected);
  });
});

describe('sameCpu', () => {
  const epyc: CpuDescription = { model: 'AMD EPYC', vectors: 'avx512' };
  it.each<[CpuDescription | undefined, CpuDescription | undefined, boolean]>([
    [epyc, { ...epyc }, true],
    [epyc, { ...epyc, vectors: 'avx2' }, false],
    [epyc, { model: 'Intel Xeon', vectors: 'avx512' }, false],
    [undefined, epyc, false],
    [undefined, undefined, false],
  ])('%j and %j → %s', (a, b, expected) => {
    expect(sameCpu(a, b)).toBe(expected);
  });
});

describe('describeCpu', () => {
  it('names this machine’s processor', () => {
    expect(describeCpu().model.length).toBeGreaterThan(0);
  });
});
