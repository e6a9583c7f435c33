import { describe, expect, it } from 'vitest';
import { formatBytes, formatMs, formatPercent, formatTps } from './format.ts';

describe('format', () => {
  it.each([
    [Number.NaN, '—'],
    [3.14159, '3.1 ms'],
    [250.4, '250 ms'],
    [12_345, '12.3 s'],
  ])('formatMs(%d) = %s', (ms, text) => expect(formatMs(ms)).toBe(text));

  it.each([
    [Number.NaN, '—'],
    [31.96, '32.0 tok/s'],
    [150.4, '150 tok/s'],
  ])('formatTps(%d) = %s', (tps, text) => expect(formatTps(tps)).toBe(text));

  it.each([
    [512, '512 B'],
    [1_500, '1.5 kB'],
    [539_000_000, '539 MB'],
    [1.2e9, '1.2 GB'],
    [-1, '—'],
  ])('formatBytes(%d) = %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));

  it('clamps percentages', () => {
    expect(formatPercent(0.456)).toBe('46 %');
    expect(formatPercent(1.7)).toBe('100 %');
    expect(formatPercent(Number.NaN)).toBe('—');
  });
});
