/**
 * Reads and checks a GGUF file's header before anything is allocated for it: a bundled file that
 * arrived cut short, a file from disk that is not GGUF at all, one whose tensors use a type the
 * engine's llama.cpp cannot run, or one over wllama's per-file limit must be refused with a sentence
 * that says which and by how much, not with a WASM abort deep inside llama.cpp. Pure: it reads bytes
 * it is given (the file or a prefix of it) and returns data.
 *
 * GGUF (v2 and v3 share a layout): "GGUF", u32 version, u64 tensor count, u64 metadata count, the
 * metadata (string key, u32 type, value), the tensor table (name, u32 dims, u64 dims…, u32 ggml type,
 * u64 offset into the data section), padding to `general.alignment` (32 unless set), the data.
 */

export const GGUF_MAGIC_U32 = 0x46554747;
/** wllama hands each file to its WASM heap whole; it documents 2 GB per file (split larger models). */
export const WLLAMA_MAX_FILE_BYTES = 2 * 1024 ** 3;
const DEFAULT_ALIGNMENT = 32;

/** ggml tensor types llama.cpp still runs: values per block and bytes per block (ggml's type traits). */
export const GGML_TYPES: Readonly<Record<number, { name: string; blockValues: number; blockBytes: number }>> = {
  0: { name: 'F32', blockValues: 1, blockBytes: 4 },
  1: { name: 'F16', blockValues: 1, blockBytes: 2 },
  2: { name: 'Q4_0', blockValues: 32, blockBytes: 18 },
  3: { name: 'Q4_1', blockValues: 32, blockBytes: 20 },
  6: { name: 'Q5_0', blockValues: 32, blockBytes: 22 },
  7: { name: 'Q5_1', blockValues: 32, blockBytes: 24 },
  8: { name: 'Q8_0', blockValues: 32, blockBytes: 34 },
  9: { name: 'Q8_1', blockValues: 32, blockBytes: 40 },
  10: { name: 'Q2_K', blockValues: 256, blockBytes: 84 },
  11: { name: 'Q3_K', blockValues: 256, blockBytes: 110 },
  12: { name: 'Q4_K', blockValues: 256, blockBytes: 144 },
  13: { name: 'Q5_K', blockValues: 256, blockBytes: 176 },
  14: { name: 'Q6_K', blockValues: 256, blockBytes: 210 },
  15: { name: 'Q8_K', blockValues: 256, blockBytes: 292 },
  16: { name: 'IQ2_XXS', blockValues: 256, blockBytes: 66 },
  17: { name: 'IQ2_XS', blockValues: 256, blockBytes: 74 },
  18: { name: 'IQ3_XXS', blockValues: 256, blockBytes: 98 },
  19: { name: 'IQ1_S', blockValues: 256, blockBytes: 50 },
  20: { name: 'IQ4_NL', blockValues: 32, blockBytes: 18 },
  21: { name: 'IQ3_S', blockValues: 256, blockBytes: 110 },
  22: { name: 'IQ2_S', blockValues: 256, blockBytes: 82 },
  23: { name: 'IQ4_XS', blockValues: 256, blockBytes: 136 },
  24: { name: 'I8', blockValues: 1, blockBytes: 1 },
  25: { name: 'I16', blockValues: 1, blockBytes: 2 },
  26: { name: 'I32', blockValues: 1, blockBytes: 4 },
  27: { name: 'I64', blockValues: 1, blockBytes: 8 },
  28: { name: 'F64', blockValues: 1, blockBytes: 8 },
  29: { name: 'IQ1_M', blockValues: 256, blockBytes: 56 },
  30: { name: 'BF16', blockValues: 1, blockBytes: 2 },
  34: { name: 'TQ1_0', blockValues: 256, blockBytes: 54 },
  35: { name: 'TQ2_0', blockValues: 256, blockBytes: 66 },
  39: { name: 'MXFP4', blockValues: 32, blockBytes: 17 },
};

/** Types that once existed and were removed from llama.cpp (old files still carry them). */
const REMOVED_TYPES: Readonly<Record<number, string>> = {
  4: 'Q4_2',
  5: 'Q4_3',
  31: 'Q4_0_4_4',
  32: 'Q4_0_4_8',
  33: 'Q4_0_8_8',
  36: 'IQ4_NL_4_4',
  37: 'IQ4_NL_4_8',
  38: 'IQ4_NL_8_8',
};

export interface GgufTensorInfo {
  name: string;
  dims: number[];
  type: number;
  /** From the start of the data section. */
  offset: number;
  bytes: number;
}

export type GgufScalar = number | bigint | boolean | string;

export interface GgufHeader {
  version: number;
  /** Scalar and string metadata; arrays are kept as their length only (a vocabulary is big). */
  metadata: Map<string, GgufScalar | { arrayLength: number }>;
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Where the data section starts in the file. */
  dataOffset: number;
  /** Where the last tensor's data ends: the least size a complete file has. */
  requiredBytes: number;
  /** Tensor counts per ggml type name, e.g. { Q4_0: 14, F32: 5 }. */
  typeCounts: Record<string, number>;
}

export type GgufProblem =
  /** The first four bytes are not "GGUF". */
  | 'not-gguf'
  | 'unsupported-version'
  /** The file ends inside the header or before its last tensor's data. */
  | 'truncated'
  /** Sizes or counts that cannot be right: a damaged file. */
  | 'malformed'
  | 'unsupported-type'
  | 'too-large';

export type GgufCheck =
  | { ok: true; header: GgufHeader }
  | { ok: false; problem: GgufProblem; message: string }
  /** The header runs past the bytes given: read this many from the start and check again. */
  | { ok: false; problem: 'need-more'; bytes: number };

const VALUE_BYTES: Readonly<Record<number, number>> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const STRING = 8;
const ARRAY = 9;
const MAX_DIMS = 4;

class OutOfBytes extends Error {
  constructor(readonly needed: number) {
    super('out of bytes');
  }
}

class Malformed extends Error {}

/** A cursor over the bytes given; running past them throws OutOfBytes with the size it needed. */
class Reader {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get offset(): number {
    return this.at;
  }

  private need(n: number): number {
    const start = this.at;
    if (start + n > this.bytes.length) throw new OutOfBytes(start + n);
    this.at += n;
    return start;
  }

  u32(): number {
    return this.view.getUint32(this.need(4), true);
  }

  u64(): number {
    const value = this.view.getBigUint64(this.need(8), true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Malformed(`a size of ${value} is beyond any file`);
    return Number(value);
  }

  string(): string {
    const length = this.u64();
    const start = this.need(length);
    return new TextDecoder().decode(this.bytes.subarray(start, start + length));
  }

  scalar(type: number): GgufScalar {
    const size = VALUE_BYTES[type];
    if (size === undefined) throw new Malformed(`unknown metadata value type ${type}`);
    const at = this.need(size);
    const v = this.view;
    switch (type) {
      case 0: return v.getUint8(at);
      case 1: return v.getInt8(at);
      case 2: return v.getUint16(at, true);
      case 3: return v.getInt16(at, true);
      case 4: return v.getUint32(at, true);
      case 5: return v.getInt32(at, true);
      case 6: return v.getFloat32(at, true);
      case 7: return v.getUint8(at) !== 0;
      case 10: return v.getBigUint64(at, true);
      case 11: return v.getBigInt64(at, true);
      default: return v.getFloat64(at, true);
    }
  }

  skip(n: number): void {
    this.need(n);
  }
}

function readValue(reader: Reader, type: number): GgufScalar | { arrayLength: number } {
  if (type === STRING) return reader.string();
  if (type !== ARRAY) return reader.scalar(type);
  const elementType = reader.u32();
  const length = reader.u64();
  if (elementType === STRING) {
    for (let i = 0; i < length; i++) reader.skip(reader.u64());
  } else if (elementType === ARRAY) {
    throw new Malformed('nested metadata arrays');
  } else {
    const size = VALUE_BYTES[elementType];
    if (size === undefined) throw new Malformed(`unknown array element type ${elementType}`);
    reader.skip(size * length);
  }
  return { arrayLength: length };
}

export function formatCount(bytes: number): string {
  return bytes.toLocaleString('en-US');
}

function typeName(type: number): string {
  return GGML_TYPES[type]?.name ?? REMOVED_TYPES[type] ?? `type ${type}`;
}

/**
 * Checks a GGUF file from its first `bytes.length` bytes (the whole file, or a prefix) and its full
 * size. `name` is how the message names it.
 */
export function checkGguf(bytes: Uint8Array, fileBytes: number, name: string): GgufCheck {
  const reader = new Reader(bytes);
  const fail = (problem: GgufProblem, message: string): GgufCheck => ({ ok: false, problem, message });
  try {
    if (fileBytes < 4 || reader.u32() !== GGUF_MAGIC_U32) {
      const start = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
      return fail('not-gguf', `${name} is not a GGUF file: it does not start with "GGUF"${start ? ` (its first bytes are ${start})` : ' (it is empty)'}.`);
    }
    const version = reader.u32();
    if (version !== 2 && version !== 3) {
      return fail('unsupported-version', `${name} is GGUF version ${version}; this llama.cpp reads versions 2 and 3.`);
    }
    const tensorCount = reader.u64();
    const metadataCount = reader.u64();
    if (tensorCount > 1e7 || metadataCount > 1e6) throw new Malformed(`${formatCount(tensorCount)} tensors and ${formatCount(metadataCount)} metadata entries`);
    const metadata = new Map<string, GgufScalar | { arrayLength: number }>();
    for (let i = 0; i < metadataCount; i++) {
      const key = reader.string();
      metadata.set(key, readValue(reader, reader.u32()));
    }
    const alignmentValue = metadata.get('general.alignment');
    const alignment = typeof alignmentValue === 'number' ? alignmentValue : DEFAULT_ALIGNMENT;
    if (alignment <= 0 || alignment % 8 !== 0) throw new Malformed(`an alignment of ${alignment}`);

    const tensors: GgufTensorInfo[] = [];
    const typeCounts: Record<string, number> = {};
    const unsupported = new Map<string, number>();
    for (let i = 0; i < tensorCount; i++) {
      const tensorName = reader.string();
      const nDims = reader.u32();
      if (nDims < 1 || nDims > MAX_DIMS) throw new Malformed(`tensor ${tensorName} has ${nDims} dimensions`);
      const dims = Array.from({ length: nDims }, () => reader.u64());
      const type = reader.u32();
      const offset = reader.u64();
      const traits = GGML_TYPES[type];
      const label = typeName(type);
      typeCounts[label] = (typeCounts[label] ?? 0) + 1;
      if (!traits) {
        unsupported.set(label, (unsupported.get(label) ?? 0) + 1);
        tensors.push({ name: tensorName, dims, type, offset, bytes: 0 });
        continue;
      }
      const values = dims.reduce((a, b) => a * b, 1);
      if (values % traits.blockValues !== 0) throw new Malformed(`tensor ${tensorName} has ${values} values, not whole ${traits.name} blocks`);
      if (offset % alignment !== 0) throw new Malformed(`tensor ${tensorName} starts at ${offset}, not a multiple of ${alignment}`);
      tensors.push({ name: tensorName, dims, type, offset, bytes: (values / traits.blockValues) * traits.blockBytes });
    }
    if (unsupported.size > 0) {
      const list = [...unsupported].map(([label, n]) => `${n} × ${label}`).join(', ');
      return fail('unsupported-type', `${name} stores tensors in a quantization this llama.cpp cannot run (${list}; of ${formatCount(tensorCount)} tensors). Convert it to a supported type such as Q4_0, Q8_0 or Q4_K_M.`);
    }
    const headerEnd = reader.offset;
    const dataOffset = Math.ceil(headerEnd / alignment) * alignment;
    const requiredBytes = tensors.reduce((end, t) => Math.max(end, dataOffset + t.offset + t.bytes), dataOffset);
    const header: GgufHeader = { version, metadata, tensors, alignment, dataOffset, requiredBytes, typeCounts };
    if (fileBytes < requiredBytes) {
      return fail('truncated', `${name} is truncated: its tensor table needs ${formatCount(requiredBytes)} bytes but the file has ${formatCount(fileBytes)} (${formatCount(requiredBytes - fileBytes)} missing). Download or copy it again.`);
    }
    if (fileBytes > WLLAMA_MAX_FILE_BYTES) {
      return fail('too-large', `${name} is ${formatCount(fileBytes)} bytes; wllama reads at most ${formatCount(WLLAMA_MAX_FILE_BYTES)} bytes (2 GiB) per file. Split it with llama.cpp's llama-gguf-split and open the first part.`);
    }
    return { ok: true, header };
  } catch (error) {
    if (error instanceof OutOfBytes) {
      if (bytes.length >= fileBytes) {
        return fail('truncated', `${name} is truncated: it ends at byte ${formatCount(fileBytes)}, inside its header (which needs at least ${formatCount(error.needed)}). Download or copy it again.`);
      }
      return { ok: false, problem: 'need-more', bytes: Math.min(fileBytes, Math.max(error.needed, bytes.length * 2)) };
    }
    if (error instanceof Malformed) return fail('malformed', `${name} is damaged: its header lists ${error.message}.`);
    throw error;
  }
}

/** A metadata value as a number, where it is one. */
export function metadataNumber(header: GgufHeader, key: string): number | null {
  const value = header.metadata.get(key);
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return null;
}

export function metadataString(header: GgufHeader, key: string): string | null {
  const value = header.metadata.get(key);
  return typeof value === 'string' ? value : null;
}

/** Parameters: every tensor's element count, summed (what the engine's thread rule weighs). */
export function parameterCountOf(header: GgufHeader): number {
  return header.tensors.reduce((sum, t) => sum + t.dims.reduce((a, b) => a * b, 1), 0);
}
