import { describe, expect, it } from 'vitest';
import { UniformStream } from './prng.ts';
import { BLOCK_VALUES, Q4_0_BLOCK_BYTES, Q8_0_BLOCK_BYTES, dequantize, dtypeBytes, fromHalf, quantizeQ4_0, quantizeQ8_0, toHalf } from './gguf-quant.ts';

function noise(n: number, scale: number, seed = 7): Float32Array {
  const values = new Float32Array(n);
  new UniformStream(seed).fill(values, scale);
  return values;
}

describe('half precision', () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff],
    [1e6, 0x7c00],
    [2 ** -24, 0x0001],
    [2 ** -14, 0x0400],
    // 1 + 2^-11 lies halfway between 1 and the next half (1 + 2^-10): ties go to the even one, 1.
    [1 + 2 ** -11, 0x3c00],
    [1 + 3 * 2 ** -11, 0x3c02],
    [-1.25, 0xbd00],
  ])('%s → %s', (value, bits) => {
    expect(toHalf(value)).toBe(bits);
  });

  it('round-trips every finite half', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) === 0x7c00) continue;
      if (bits === 0x8000) continue;
      expect(toHalf(fromHalf(bits))).toBe(bits);
    }
  });
});

describe('q8_0', () => {
  it('is one f16 scale and 32 int8 per block of 32 values', () => {
    const values = Float32Array.from({ length: 64 }, (_, i) => (i < 32 ? i - 16 : (i - 32) / 64));
    const data = quantizeQ8_0(values);
    expect(data.length).toBe(2 * Q8_0_BLOCK_BYTES);
    const view = new DataView(data.buffer);
    // Block 0: max |x| = 16, d = 16/127; x = -16 → -127, x = 15 → 119.
    expect(fromHalf(view.getUint16(0, true))).toBeCloseTo(16 / 127, 4);
    expect(view.getInt8(2)).toBe(-127);
    expect(view.getInt8(2 + 31)).toBe(119);
    // Block 1 starts 34 bytes in: its max is 31/64.
    expect(fromHalf(view.getUint16(Q8_0_BLOCK_BYTES, true))).toBeCloseTo(31 / 64 / 127, 5);
    expect(view.getInt8(Q8_0_BLOCK_BYTES + 2 + 31)).toBe(127);
  });

  it('stays within half a step (plus the scale’s f16 rounding) of every value', () => {
    const values = noise(32 * 64, 0.05);
    const back = dequantize('q8_0', quantizeQ8_0(values));
    for (let b = 0; b < values.length / BLOCK_VALUES; b++) {
      const block = values.subarray(b * 32, b * 32 + 32);
      const amax = Math.max(...block.map(Math.abs));
      for (let j = 0; j < 32; j++) expect(Math.abs(back[b * 32 + j]! - block[j]!)).toBeLessThanOrEqual((amax / 127) * 0.5 + amax * 2 ** -10);
    }
  });

  it('keeps ±1 blocks and zero blocks exact enough for constructed weights', () => {
    const values = Float32Array.from({ length: 32 }, (_, i) => (i % 3 === 0 ? 1 : i % 3 === 1 ? -1 : 0));
    const back = dequantize('q8_0', quantizeQ8_0(values));
    back.forEach((v, i) => expect(v).toBeCloseTo(values[i]!, 3));
    expect([...dequantize('q8_0', quantizeQ8_0(new Float32Array(32)))]).toEqual(new Array(32).fill(0));
  });
});

describe('q4_0', () => {
  it('is one f16 scale and 16 bytes of nibbles: value j low, value j+16 high', () => {
    // Largest magnitude first and negative: d = -8 / -8 = 1, q = x + 8.
    const values = Float32Array.from({ length: 32 }, (_, i) => (i === 0 ? -8 : i < 16 ? 1 : (i - 16) % 8));
    const data = quantizeQ4_0(values);
    expect(data.length).toBe(Q4_0_BLOCK_BYTES);
    expect(fromHalf(new DataView(data.buffer).getUint16(0, true))).toBe(1);
    expect(data[2]).toBe(0x80 | 0x00); // value 0 → q 0 (low), value 16 → 0 + 8 (high)
    expect(data[3]).toBe(0x90 | 0x09); // value 1 → 9, value 17 → 1 + 8
    expect([...dequantize('q4_0', data)]).toEqual([...values]);
  });

  it('stays within one step of every value (the extreme opposite the signed scale clamps to 7/8)', () => {
    const values = noise(32 * 64, 0.05, 11);
    const back = dequantize('q4_0', quantizeQ4_0(values));
    for (let b = 0; b < values.length / BLOCK_VALUES; b++) {
      const block = values.subarray(b * 32, b * 32 + 32);
      const amax = Math.max(...block.map(Math.abs));
      let worst = 0;
      for (let j = 0; j < 32; j++) {
        const error = Math.abs(back[b * 32 + j]! - block[j]!);
        worst = Math.max(worst, error);
        expect(error).toBeLessThanOrEqual(amax / 8 + amax * 2 ** -10);
      }
      // Most values round to the nearest of 16 levels: the typical error is well under a step.
      expect(worst).toBeGreaterThan(0);
    }
  });

  it('keeps the first largest value exact and turns its opposite into 7/8 of it', () => {
    const values = Float32Array.from({ length: 32 }, (_, i) => (i % 2 === 0 ? 10 : -10));
    const back = dequantize('q4_0', quantizeQ4_0(values));
    expect(back[0]).toBe(10);
    expect(back[1]).toBe(-8.75);
  });

  it('refuses rows that are not whole blocks', () => {
    expect(() => quantizeQ4_0(new Float32Array(33))).toThrow(/multiple of 32/);
    expect(() => dtypeBytes('q8_0', 48)).toThrow(/multiple of 32/);
    expect(dtypeBytes('q4_0', 64)).toBe(36);
    expect(dtypeBytes('f32', 3)).toBe(12);
  });
});
