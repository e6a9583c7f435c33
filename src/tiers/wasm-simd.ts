// A tiny WebAssembly module, assembled from bytes, with the two calibration kernels written in SIMD.
// Why by hand: a plain JS Float32Array loop streams only ~8 GB/s where a WASM SIMD loop streams ~31 GB/s
// (measured in Chromium on a 2-core machine), so a JS calibration would understate the ceiling; and a toolchain for 200 bytes of code
// is not worth a build step. The module imports its memory so that threads can share one buffer.
//
//   sum(ptr, bytes) -> f32   streams [ptr, ptr+bytes) through 8 f32x4 accumulators (128 B per step);
//                            bytes must be a multiple of SUM_STEP_BYTES and ptr 16-byte aligned.
//   flops(iters) -> f32      8 independent chains of acc = acc·m + c on f32x4: 64 flops per iteration,
//                            on registers only, so it measures arithmetic, not memory.

export const SUM_STEP_BYTES = 128;
export const FLOPS_PER_ITERATION = 8 * 4 * 2;
/** The module's memory import allows the whole 32-bit address space (65536 pages of 64 KiB). */
const MAX_PAGES = 65536;
export const WASM_PAGE_BYTES = 65536;

export interface SimdKernels {
  sum(ptr: number, bytes: number): number;
  flops(iters: number): number;
}

// Opcodes used below (WebAssembly core 2.0 + fixed-width SIMD).
const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
const VOID_BLOCK = 0x40;
const op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  f32Const: 0x43,
  i32Eqz: 0x45,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  f32Add: 0x92,
} as const;
const SIMD = 0xfd;
const simd = {
  load: [SIMD, 0x00],
  f32x4Splat: [SIMD, 0x13],
  f32x4ExtractLane: [SIMD, 0x1f],
  f32x4Add: [SIMD, 0xe4, 0x01],
  f32x4Mul: [SIMD, 0xe6, 0x01],
} as const;

function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function f32Bytes(value: number): number[] {
  return [...new Uint8Array(new Float32Array([value]).buffer)];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** Adds the eight v128 locals first..first+7 and leaves the horizontal f32 sum on the stack. */
function horizontalSum(first: number): number[] {
  const code: number[] = [op.localGet, first];
  for (let k = 1; k < 8; k++) code.push(op.localGet, first + k, ...simd.f32x4Add);
  code.push(op.localTee, first);
  code.push(...simd.f32x4ExtractLane, 0);
  for (let lane = 1; lane < 4; lane++) code.push(op.localGet, first, ...simd.f32x4ExtractLane, lane, op.f32Add);
  return code;
}

function sumBody(): number[] {
  // params: 0 ptr, 1 bytes; locals: 2 end (i32), 3..10 accumulators (v128, zero-initialised)
  const ACC = 3;
  const code: number[] = [op.localGet, 0, op.localGet, 1, op.i32Add, op.localSet, 2];
  code.push(op.block, VOID_BLOCK, op.loop, VOID_BLOCK);
  code.push(op.localGet, 0, op.localGet, 2, op.i32GeU, op.brIf, 1);
  for (let k = 0; k < 8; k++) {
    // v128.load with alignment 2^4 and a constant offset of 16·k bytes
    code.push(op.localGet, ACC + k, op.localGet, 0, ...simd.load, 4, ...uleb(16 * k), ...simd.f32x4Add, op.localSet, ACC + k);
  }
  code.push(op.localGet, 0, op.i32Const, ...sleb(SUM_STEP_BYTES), op.i32Add, op.localSet, 0);
  code.push(op.br, 0, op.end, op.end);
  code.push(...horizontalSum(ACC), op.end);
  return [...vec([
    [1, I32],
    [8, V128],
  ]), ...code];
}

function flopsBody(): number[] {
  // params: 0 iters; locals: 1..8 chains, 9 multiplier, 10 addend (all v128)
  const ACC = 1;
  const MUL = 9;
  const ADD = 10;
  const code: number[] = [];
  // Distinct starting values per chain; x → 0.999999·x + 1e-7 stays in (0, 1): no overflow, no denormals.
  for (let k = 0; k < 8; k++) code.push(op.f32Const, ...f32Bytes(0.1 * k + 0.05), ...simd.f32x4Splat, op.localSet, ACC + k);
  code.push(op.f32Const, ...f32Bytes(0.999999), ...simd.f32x4Splat, op.localSet, MUL);
  code.push(op.f32Const, ...f32Bytes(1e-7), ...simd.f32x4Splat, op.localSet, ADD);
  code.push(op.block, VOID_BLOCK, op.loop, VOID_BLOCK);
  code.push(op.localGet, 0, op.i32Eqz, op.brIf, 1);
  for (let k = 0; k < 8; k++) {
    code.push(op.localGet, ACC + k, op.localGet, MUL, ...simd.f32x4Mul, op.localGet, ADD, ...simd.f32x4Add, op.localSet, ACC + k);
  }
  code.push(op.localGet, 0, op.i32Const, 1, op.i32Sub, op.localSet, 0);
  code.push(op.br, 0, op.end, op.end);
  code.push(...horizontalSum(ACC), op.end);
  return [...vec([[10, V128]]), ...code];
}

/** The module's bytes. shared: import a shared memory (needs cross-origin isolation in browsers). */
export function buildSimdModule(options: { shared: boolean }): Uint8Array<ArrayBuffer> {
  const types = vec([
    [0x60, ...vec([[I32], [I32]]), ...vec([[F32]])], // (i32, i32) -> f32
    [0x60, ...vec([[I32]]), ...vec([[F32]])], // (i32) -> f32
  ]);
  // memory limits: flag 0x03 = shared with a maximum; 0x00 = minimum only
  const limits = options.shared ? [0x03, ...uleb(1), ...uleb(MAX_PAGES)] : [0x00, ...uleb(1)];
  const imports = vec([[...name('env'), ...name('mem'), 0x02, ...limits]]);
  const functions = vec([[0], [1]]);
  const exports = vec([
    [...name('sum'), 0x00, 0],
    [...name('flops'), 0x00, 1],
  ]);
  const bodies = [sumBody(), flopsBody()].map((body) => [...uleb(body.length), ...body]);
  const code = vec(bodies);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types),
    ...section(2, imports),
    ...section(3, functions),
    ...section(7, exports),
    ...section(10, code),
  ]);
}

/** WASM SIMD is missing in older Safari (< 16.4): calibration then reports it rather than failing. */
export function simdSupported(shared: boolean): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(buildSimdModule({ shared }));
}

export function instantiateSimd(module: WebAssembly.Module, memory: WebAssembly.Memory): SimdKernels {
  const instance = new WebAssembly.Instance(module, { env: { mem: memory } });
  return instance.exports as unknown as SimdKernels;
}
