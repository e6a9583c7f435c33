/**
 * The number formats of the quantized builds, as pure functions over typed arrays, apart from the
 * graph rewrite that uses them (quantized-graph.ts) so each can be tested on its own.
 *
 * - int8, per column, symmetric: what ORT's dynamic quantizer writes for MatMulInteger with
 *   `per_channel`. One scale per output column (max |w| / 127), zero point 0. A weight stored
 *   [in, out] has its columns along the last axis, so one scale serves both the LM head's MatMul and
 *   the tied embedding's Gather (a gathered column is one token's vector).
 * - 4-bit blocks for `com.microsoft` MatMulNBits: the weight transposed to [N][K], cut into blocks of
 *   32 along K, each block 16 bytes of two 4-bit values (element 2i in the low nibble), one float
 *   scale per block, zero point 8 (the default when the node has no zero_points input). Symmetric with
 *   scale max |w| / 7, so both ends of a block are exact: values that are a block's only magnitude
 *   (wf-tiny's ±10 and 0) survive unchanged.
 * - float16: IEEE binary16, rounded to nearest even, as raw bits (Node 20 has no Float16Array).
 *
 * Rounding is to nearest with ties away from zero (Math.round on |x|): deterministic, so the files are
 * byte-identical on every run.
 */
import type { TensorData } from './onnx-file.ts';
import { UniformStream } from './prng.ts';

export const INT8_MAX = 127;
export const NBITS_BLOCK = 32;
export const NBITS_ZERO_POINT = 8;
const NBITS_MAX = 7;

/** A weight's values as floats, whatever recipe describes it. */
export function materialize(data: TensorData, count: number): Float32Array {
  switch (data.kind) {
    case 'float32':
      return data.values;
    case 'fill':
      return new Float32Array(count).fill(data.value);
    case 'uniform': {
      const out = new Float32Array(count);
      new UniformStream(data.seed).fill(out, data.scale);
      return out;
    }
    default:
      throw new Error(`cannot read ${data.kind} data as float32 weights`);
  }
}

function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

export interface Int8Columns {
  /** [rows, cols], row-major like the source. */
  values: Int8Array;
  /** One per column. */
  scales: Float32Array;
}

/** Symmetric int8 with one scale per column of a row-major [rows, cols] matrix. */
export function quantizeInt8Columns(w: Float32Array, rows: number, cols: number): Int8Columns {
  if (w.length !== rows * cols) throw new Error(`${w.length} values for [${rows}, ${cols}]`);
  const amax = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let c = 0; c < cols; c++) amax[c] = Math.max(amax[c]!, Math.abs(w[row + c]!));
  }
  // An all-zero column keeps scale 1: its values are 0 whatever the scale, and a 0 scale would divide by zero.
  const scales = amax.map((a) => (a === 0 ? 1 : a / INT8_MAX));
  const values = new Int8Array(w.length);
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let c = 0; c < cols; c++) {
      values[row + c] = Math.max(-INT8_MAX, Math.min(INT8_MAX, roundHalfAway(w[row + c]! / scales[c]!)));
    }
  }
  return { values, scales };
}

export function dequantizeInt8Columns(q: Int8Columns, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = q.values[r * cols + c]! * q.scales[c]!;
  return out;
}

export interface NBitsBlocks {
  /** MatMulNBits' B: [N, blocksPerColumn, 16] bytes. */
  packed: Uint8Array;
  /** MatMulNBits' scales: [N * blocksPerColumn], column-major by block. */
  scales: Float32Array;
  blocksPerColumn: number;
}

export function nbitsBlocksPerColumn(k: number): number {
  return Math.ceil(k / NBITS_BLOCK);
}

/** 4-bit blocks of the row-major [K, N] weight `w` (used as x · w), laid out as MatMulNBits reads them. */
export function quantize4BitBlocks(w: Float32Array, k: number, n: number): NBitsBlocks {
  if (w.length !== k * n) throw new Error(`${w.length} values for [${k}, ${n}]`);
  const blocks = nbitsBlocksPerColumn(k);
  const blobBytes = NBITS_BLOCK / 2;
  const packed = new Uint8Array(n * blocks * blobBytes);
  const scales = new Float32Array(n * blocks);
  const block = new Float32Array(NBITS_BLOCK);
  for (let col = 0; col < n; col++) {
    for (let b = 0; b < blocks; b++) {
      // K is padded with zeros up to whole blocks (MatMulNBits ignores the padding).
      let amax = 0;
      for (let i = 0; i < NBITS_BLOCK; i++) {
        const row = b * NBITS_BLOCK + i;
        block[i] = row < k ? w[row * n + col]! : 0;
        amax = Math.max(amax, Math.abs(block[i]!));
      }
      const scale = amax === 0 ? 1 : amax / NBITS_MAX;
      scales[col * blocks + b] = scale;
      const base = (col * blocks + b) * blobBytes;
      for (let i = 0; i < NBITS_BLOCK; i += 2) {
        const lo = NBITS_ZERO_POINT + Math.max(-NBITS_MAX, Math.min(NBITS_MAX, roundHalfAway(block[i]! / scale)));
        const hi = NBITS_ZERO_POINT + Math.max(-NBITS_MAX, Math.min(NBITS_MAX, roundHalfAway(block[i + 1]! / scale)));
        packed[base + i / 2] = lo | (hi << 4);
      }
    }
  }
  return { packed, scales, blocksPerColumn: blocks };
}

/** Back to the row-major [K, N] weight, as MatMulNBits computes with it. */
export function dequantize4BitBlocks(q: NBitsBlocks, k: number, n: number): Float32Array {
  const out = new Float32Array(k * n);
  const blobBytes = NBITS_BLOCK / 2;
  for (let col = 0; col < n; col++) {
    for (let row = 0; row < k; row++) {
      const b = Math.floor(row / NBITS_BLOCK);
      const i = row % NBITS_BLOCK;
      const byte = q.packed[(col * q.blocksPerColumn + b) * blobBytes + (i >> 1)]!;
      const nibble = i % 2 === 0 ? byte & 0x0f : byte >> 4;
      out[row * n + col] = (nibble - NBITS_ZERO_POINT) * q.scales[col * q.blocksPerColumn + b]!;
    }
  }
  return out;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE binary16 bits of `value`, rounded to nearest even; overflow becomes ±infinity. */
export function float16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    // Subnormal: shift the implicit bit in, then round to nearest even.
    const m = mantissa | 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = m & ((1 << shift) - 1);
    let out = m >>> shift;
    if (rest > half || (rest === half && (out & 1) === 1)) out++;
    return sign | out;
  }
  let out = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (out & 1) === 1)) out++;
  return sign | out;
}

export function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

export function toFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float16Bits(values[i]!);
  return out;
}
