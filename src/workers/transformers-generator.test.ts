import { describe, expect, it } from 'vitest';
import { keepLeadingPositions } from './transformers-generator.ts';

describe('keepLeadingPositions', () => {
  // [batch 1, heads 2, sequence 3, width 2]: head h, position p, lane l holds 100h + 10p + l.
  const data = Float32Array.from([0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121]);
  it.each<[number, number[]]>([
    [3, [0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121]],
    [2, [0, 1, 10, 11, 100, 101, 110, 111]],
    [1, [0, 1, 100, 101]],
    [0, []],
  ])('keeps the first %i positions of every head', (keep, expected) => {
    const out = keepLeadingPositions(data, [1, 2, 3, 2], keep);
    expect(out).toBeInstanceOf(Float32Array);
    expect(Array.from(out)).toEqual(expected);
  });

  it('keeps the element type (f16 caches are Uint16Array)', () => {
    expect(keepLeadingPositions(Uint16Array.from([1, 2, 3, 4]), [1, 1, 2, 2], 1)).toEqual(Uint16Array.from([1, 2]));
  });
});
