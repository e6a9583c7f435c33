import { describe, expect, it } from 'vitest';
import { UniformStream } from './prng.ts';
import {
  dequantize4BitBlocks,
  dequantizeInt8Columns,
  float16Bits,
  float16Value,
  NBITS_BLOCK,
  quantize4BitBlocks,
  quantizeInt8Columns,
  toFloat16,
} from './quantize.ts';

function noise(count: number, seed: number, scale = 0.05): Float32Array {
  const out = new Float32Array(count);
  new UniformStream(seed).fill(out, scale);
  return out;
}

describe('int8 per-column quantization', () => {
  it('round-trips within half a step of each column, and keeps each column maximum exact', () => {
    const [rows, cols] = [48, 20];
    const w = noise(rows * cols, 7);
    // One column ten times louder: its scale must not spill into the others.
    for (let r = 0; r < rows; r++) w[r * cols + 3]! *= 10;
    const q = quantizeInt8Columns(w, rows, cols);
    const back = dequantizeInt8Columns(q, rows, cols);
    for (let c = 0; c < cols; c++) {
      let amax = 0;
      for (let r = 0; r < rows; r++) amax = Math.max(amax, Math.abs(w[r * cols + c]!));
      expect(q.scales[c]).toBeCloseTo(amax / 127, 9);
      for (let r = 0; r < rows; r++) {
        const i = r * cols + c;
        expect(Math.abs(back[i]! - w[i]!), `[${r}, ${c}]`).toBeLessThanOrEqual(q.scales[c]! / 2 + 1e-9);
        expect(Math.abs(q.values[i]!)).toBeLessThanOrEqual(127);
      }
    }
    expect(Math.max(...q.values.map(Math.abs))).toBe(127);
  });

  it('represents ±k and 0 exactly (wf-tiny\'s code columns) and gives an all-zero column scale 1', () => {
    const w = Float32Array.from([10, 0, -10, 0, 0, 0, 10, 0, 0]); // [3, 3], column 1 all zero
    const q = quantizeInt8Columns(w, 3, 3);
    expect([...q.values]).toEqual([127, 0, -127, 0, 0, 0, 127, 0, 0]);
    expect([...dequantizeInt8Columns(q, 3, 3)]).toEqual([...w]);
    expect(q.scales[1]).toBe(1);
  });

  it('refuses a size that does not match the shape', () => {
    expect(() => quantizeInt8Columns(new Float32Array(5), 2, 3)).toThrow(/5 values/);
  });
});

describe('4-bit blocks for MatMulNBits', () => {
  it('lays B out as [N, blocks, 16] with element 2i in the low nibble and scales per (column, block)', () => {
    // K = 64 (two blocks), N = 2. Column 0: row r holds (r % 8) - 7 in block 0, 7 - (r % 8) in block 1.
    const [k, n] = [64, 2];
    const w = new Float32Array(k * n);
    for (let r = 0; r < k; r++) {
      w[r * n] = r < NBITS_BLOCK ? (r % 8) - 7 : 7 - (r % 8);
      w[r * n + 1] = 0.5;
    }
    const q = quantize4BitBlocks(w, k, n);
    expect(q.blocksPerColumn).toBe(2);
    expect(q.packed.length).toBe(n * 2 * 16);
    expect([...q.scales]).toEqual([1, 1, 0.5 / 7, 0.5 / 7].map(Math.fround));
    // Column 0, block 0, bytes 0..: rows 0 and 1 → values -7, -6 → nibbles 1, 2 → byte 0x21.
    expect(q.packed[0]).toBe(0x21);
    expect(q.packed[3]).toBe(0x87); // rows 6, 7 → -1, 0 → nibbles 7, 8
    // Column 0, block 1 starts at byte 16: rows 32, 33 → 7, 6 → nibbles 15, 14.
    expect(q.packed[16]).toBe(0xef);
    // Column 1 starts at byte 32: every value is its block's maximum → nibble 15.
    expect(q.packed[32]).toBe(0xff);
    expect([...dequantize4BitBlocks(q, k, n)]).toEqual([...w]);
  });

  it('round-trips within half a step of each block, and pads a short last block with zeros', () => {
    const [k, n] = [80, 6]; // 80 = 2.5 blocks
    const w = noise(k * n, 11);
    const q = quantize4BitBlocks(w, k, n);
    expect(q.blocksPerColumn).toBe(3);
    const back = dequantize4BitBlocks(q, k, n);
    for (let c = 0; c < n; c++) {
      for (let r = 0; r < k; r++) {
        const scale = q.scales[c * 3 + Math.floor(r / NBITS_BLOCK)]!;
        expect(Math.abs(back[r * n + c]! - w[r * n + c]!)).toBeLessThanOrEqual(scale / 2 + 1e-7);
      }
      // The padding (rows 80..95 of block 2) packs as zero points.
      for (let byte = 8; byte < 16; byte++) expect(q.packed[(c * 3 + 2) * 16 + byte]).toBe(0x88);
    }
  });

  it('keeps ±k and 0 exact', () => {
    const w = new Float32Array(32).map((_, i) => [10, -10, 0][i % 3]!);
    expect([...dequantize4BitBlocks(quantize4BitBlocks(w, 32, 1), 32, 1)]).toEqual([...w]);
  });
});

describe('float16', () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [65520, 0x7c00], // rounds up to infinity
    [1e6, 0x7c00],
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // halfway to zero: ties to even
    [3 * 2 ** -26, 0x0001],
    [1 + 2 ** -11, 0x3c00], // halfway between 1 and the next: ties to even (down)
    [1 + 3 * 2 ** -11, 0x3c02], // halfway, odd below: up
    [Number.NaN, 0x7e00],
  ])('%d → %i', (value, bits) => {
    expect(float16Bits(value)).toBe(bits);
  });

  it('round-trips within half a unit in the last place', () => {
    const values = noise(10000, 3, 100);
    const halves = toFloat16(values);
    values.forEach((v, i) => {
      const back = float16Value(halves[i]!);
      expect(Math.abs(back - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 2 ** -25);
    });
  });
});
