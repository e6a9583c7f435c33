/**
 * Writes GGUF version 3 files (llama.cpp's model format): header, typed metadata, the tensor table,
 * then each tensor's data at an offset aligned to `general.alignment` (32 bytes). Little-endian
 * throughout. The file goes through `HashedFileWriter`, so it is hashed while written and appears
 * only when complete.
 *
 * Layout: "GGUF", u32 version, u64 tensor count, u64 metadata count; each metadata entry is a string
 * key, a u32 value type and the value (strings are u64 length + UTF-8; arrays are u32 element type,
 * u64 count, elements); each tensor entry is its name, u32 dimension count, u64 dimensions (ggml
 * order: the first is the contiguous one), u32 ggml type and u64 offset from the data section's start.
 */
import { HashedFileWriter, type WrittenFile } from './hashed-file.ts';
import { dtypeBytes, type GgufDtype } from './gguf-quant.ts';

export const GGUF_MAGIC = 'GGUF';
export const GGUF_VERSION = 3;
export const GGUF_ALIGNMENT = 32;

/** GGUF metadata value types. */
const enum ValueType {
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
}

/** ggml tensor types of the dtypes we write. */
export const GGML_TYPE: Readonly<Record<GgufDtype, number>> = { f32: 0, q4_0: 2, q8_0: 8 };

export type MetadataValue =
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: readonly string[] }
  | { type: 'i32[]'; value: readonly number[] };

export interface GgufTensor {
  name: string;
  /** ggml order: dims[0] is the contiguous (row) length. */
  dims: readonly number[];
  dtype: GgufDtype;
  /** Produces the encoded data when it is written, so one tensor at a time sits in memory. */
  data: () => Uint8Array;
}

/** Appends little-endian values to a growing byte list; only the small header parts go through it. */
class ByteSink {
  private chunks: Uint8Array[] = [];
  length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private fixed(size: number, write: (view: DataView) => void): void {
    const bytes = new Uint8Array(size);
    write(new DataView(bytes.buffer));
    this.push(bytes);
  }

  u32(v: number): void {
    this.fixed(4, (d) => d.setUint32(0, v, true));
  }
  i32(v: number): void {
    this.fixed(4, (d) => d.setInt32(0, v, true));
  }
  u64(v: number): void {
    this.fixed(8, (d) => d.setBigUint64(0, BigInt(v), true));
  }
  f32(v: number): void {
    this.fixed(4, (d) => d.setFloat32(0, v, true));
  }
  bool(v: boolean): void {
    this.push(Uint8Array.of(v ? 1 : 0));
  }
  string(s: string): void {
    const bytes = new TextEncoder().encode(s);
    this.u64(bytes.length);
    this.push(bytes);
  }
  zeros(n: number): void {
    this.push(new Uint8Array(n));
  }

  take(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

function writeValue(sink: ByteSink, v: MetadataValue): void {
  switch (v.type) {
    case 'u32':
      sink.u32(ValueType.UINT32);
      return sink.u32(v.value);
    case 'i32':
      sink.u32(ValueType.INT32);
      return sink.i32(v.value);
    case 'f32':
      sink.u32(ValueType.FLOAT32);
      return sink.f32(v.value);
    case 'bool':
      sink.u32(ValueType.BOOL);
      return sink.bool(v.value);
    case 'string':
      sink.u32(ValueType.STRING);
      return sink.string(v.value);
    case 'string[]':
      sink.u32(ValueType.ARRAY);
      sink.u32(ValueType.STRING);
      sink.u64(v.value.length);
      return v.value.forEach((s) => sink.string(s));
    case 'i32[]':
      sink.u32(ValueType.ARRAY);
      sink.u32(ValueType.INT32);
      sink.u64(v.value.length);
      return v.value.forEach((n) => sink.i32(n));
  }
}

function alignUp(n: number): number {
  return Math.ceil(n / GGUF_ALIGNMENT) * GGUF_ALIGNMENT;
}

export function tensorBytes(tensor: Pick<GgufTensor, 'dims' | 'dtype'>): number {
  if (tensor.dtype !== 'f32' && tensor.dims[0]! % 32 !== 0) {
    throw new RangeError(`${tensor.dtype} rows must be a multiple of 32 values, got ${tensor.dims[0]}`);
  }
  return dtypeBytes(tensor.dtype, tensor.dims.reduce((a, b) => a * b, 1));
}

/** Writes a GGUF v3 file; metadata keys keep the order given. */
export function writeGguf(path: string, metadata: ReadonlyArray<readonly [string, MetadataValue]>, tensors: readonly GgufTensor[]): WrittenFile {
  const head = new ByteSink();
  head.u32(0x46554747); // "GGUF" read as a little-endian u32
  head.u32(GGUF_VERSION);
  head.u64(tensors.length);
  head.u64(metadata.length);
  for (const [key, value] of metadata) {
    head.string(key);
    writeValue(head, value);
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    head.string(t.name);
    head.u32(t.dims.length);
    for (const d of t.dims) head.u64(d);
    head.u32(GGML_TYPE[t.dtype]);
    head.u64(offset);
    offsets.push(offset);
    offset = alignUp(offset + tensorBytes(t));
  }
  head.zeros(alignUp(head.length) - head.length);

  const out = new HashedFileWriter(path);
  out.write(head.take());
  let written = 0;
  tensors.forEach((t, i) => {
    const data = t.data();
    const expected = tensorBytes(t);
    if (data.length !== expected) throw new Error(`${t.name}: ${data.length} bytes of data, its dims and ${t.dtype} need ${expected}`);
    if (written !== offsets[i]) throw new Error(`${t.name}: data would start at ${written}, not ${offsets[i]}`);
    out.write(data);
    written += data.length;
    const pad = alignUp(written) - written;
    // Every tensor, the last included, is padded: readers that load the whole data section expect it.
    if (pad > 0) {
      out.write(new Uint8Array(pad));
      written += pad;
    }
  });
  return out.close();
}
