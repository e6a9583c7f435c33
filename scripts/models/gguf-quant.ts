/**
 * ggml's block quantisations as llama.cpp's reference code writes them (`quantize_row_q8_0_ref`,
 * `quantize_row_q4_0_ref` in ggml-quants.c), so our GGUF files hold what `llama-quantize` would have
 * written from the same f32 weights, and the dequantised values here are the ones llama.cpp computes
 * with. Arithmetic is done in float32 (Math.fround) like the C code, the scale is stored as IEEE
 * half precision, and rounding follows C (`roundf` rounds halves away from zero, an `(int8_t)` cast
 * truncates).
 *
 * Layouts (little-endian, 32 values per block):
 * - q8_0: f16 scale d = max|x| / 127, then 32 int8 q with x ≈ d·q. 34 bytes.
 * - q4_0: f16 scale d = m / -8 where m is the first value of largest magnitude, then 16 bytes: byte j
 *   holds value j in its low nibble and value j + 16 in its high nibble, x ≈ d·(q − 8). 18 bytes.
 *   Because the scale is signed, m itself is exact (q = 0) but a value of the opposite sign and the
 *   same magnitude becomes 7/8 of it (q = 15).
 */

export type GgufDtype = 'f32' | 'q8_0' | 'q4_0';

export const BLOCK_VALUES = 32;
export const Q8_0_BLOCK_BYTES = 2 + BLOCK_VALUES;
export const Q4_0_BLOCK_BYTES = 2 + BLOCK_VALUES / 2;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → IEEE binary16 bits, rounding to nearest even (as the F16C instruction and ggml do). */
export function toHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (rest > midpoint || (rest === midpoint && (half & 1)) ? half + 1 : half);
  }
  const half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  return sign | (rest > 0x1000 || (rest === 0x1000 && (half & 1)) ? half + 1 : half);
}

/** IEEE binary16 bits → number. */
export function fromHalf(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** C's roundf: halves away from zero. */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

function checkLength(values: Float32Array): void {
  if (values.length % BLOCK_VALUES !== 0) {
    throw new RangeError(`block quantisation needs a multiple of ${BLOCK_VALUES} values per row, got ${values.length}`);
  }
}

export function quantizeQ8_0(values: Float32Array): Uint8Array {
  checkLength(values);
  const blocks = values.length / BLOCK_VALUES;
  const out = new Uint8Array(blocks * Q8_0_BLOCK_BYTES);
  const view = new DataView(out.buffer);
  for (let b = 0; b < blocks; b++) {
    const base = b * BLOCK_VALUES;
    let amax = 0;
    for (let j = 0; j < BLOCK_VALUES; j++) amax = Math.max(amax, Math.abs(values[base + j]!));
    const d = Math.fround(amax / 127);
    const id = d ? Math.fround(1 / d) : 0;
    const at = b * Q8_0_BLOCK_BYTES;
    view.setUint16(at, toHalf(d), true);
    for (let j = 0; j < BLOCK_VALUES; j++) view.setInt8(at + 2 + j, roundHalfAway(Math.fround(values[base + j]! * id)));
  }
  return out;
}

export function quantizeQ4_0(values: Float32Array): Uint8Array {
  checkLength(values);
  const blocks = values.length / BLOCK_VALUES;
  const out = new Uint8Array(blocks * Q4_0_BLOCK_BYTES);
  const view = new DataView(out.buffer);
  const halfBlock = BLOCK_VALUES / 2;
  for (let b = 0; b < blocks; b++) {
    const base = b * BLOCK_VALUES;
    let amax = 0;
    let max = 0;
    for (let j = 0; j < BLOCK_VALUES; j++) {
      const v = values[base + j]!;
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = Math.fround(max / -8);
    const id = d ? Math.fround(1 / d) : 0;
    const at = b * Q4_0_BLOCK_BYTES;
    view.setUint16(at, toHalf(d), true);
    const nibble = (v: number): number => Math.min(15, Math.trunc(Math.fround(Math.fround(v * id) + 8.5)));
    for (let j = 0; j < halfBlock; j++) {
      out[at + 2 + j] = nibble(values[base + j]!) | (nibble(values[base + halfBlock + j]!) << 4);
    }
  }
  return out;
}

/** The values llama.cpp computes with for a q8_0 or q4_0 tensor (ggml's dequantize_row_*). */
export function dequantize(dtype: Exclude<GgufDtype, 'f32'>, data: Uint8Array): Float32Array {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const blockBytes = dtype === 'q8_0' ? Q8_0_BLOCK_BYTES : Q4_0_BLOCK_BYTES;
  if (data.length % blockBytes !== 0) throw new RangeError(`${data.length} bytes is not a whole number of ${dtype} blocks`);
  const blocks = data.length / blockBytes;
  const out = new Float32Array(blocks * BLOCK_VALUES);
  for (let b = 0; b < blocks; b++) {
    const at = b * blockBytes;
    const d = fromHalf(view.getUint16(at, true));
    const base = b * BLOCK_VALUES;
    if (dtype === 'q8_0') {
      for (let j = 0; j < BLOCK_VALUES; j++) out[base + j] = d * view.getInt8(at + 2 + j);
    } else {
      for (let j = 0; j < BLOCK_VALUES / 2; j++) {
        const byte = data[at + 2 + j]!;
        out[base + j] = d * ((byte & 0x0f) - 8);
        out[base + BLOCK_VALUES / 2 + j] = d * ((byte >>> 4) - 8);
      }
    }
  }
  return out;
}

/** Bytes a tensor of `count` values takes in this dtype. */
export function dtypeBytes(dtype: GgufDtype, count: number): number {
  if (dtype === 'f32') return count * 4;
  if (count % BLOCK_VALUES !== 0) throw new RangeError(`${dtype} needs a multiple of ${BLOCK_VALUES} values, got ${count}`);
  return (count / BLOCK_VALUES) * (dtype === 'q8_0' ? Q8_0_BLOCK_BYTES : Q4_0_BLOCK_BYTES);
}

export function quantize(dtype: GgufDtype, values: Float32Array): Uint8Array {
  if (dtype === 'q8_0') return quantizeQ8_0(values);
  if (dtype === 'q4_0') return quantizeQ4_0(values);
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}
