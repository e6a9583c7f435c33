/**
 * Streams an ONNX ModelProto to disk.
 *
 * onnx-proto (protobufjs) can only encode a message into one buffer, which for SmolLM2's shape means
 * 539 MB of weights copied into a second 539 MB buffer. Protobuf lets repeated fields appear in any
 * order and nested messages are just length-prefixed bytes, so instead the small parts (model header,
 * graph without initializers, each tensor's header) are encoded with onnx-proto and every tensor's
 * raw_data is generated and written chunk by chunk behind a hand-written length prefix. Memory use
 * stays at one chunk whatever the model size.
 */
import { endianness } from 'node:os';
import onnxProto, { type onnx as proto } from 'onnx-proto';
import { HashedFileWriter, type WrittenFile } from './hashed-file.ts';
import { UniformStream } from './prng.ts';

// onnx-proto is CommonJS: its namespace is only reachable through the default import at runtime.
export const { onnx } = onnxProto;

export type TensorData =
  /** Exact values, for constructed weights and graph constants. */
  | { kind: 'float32'; values: Float32Array }
  | { kind: 'int64'; values: BigInt64Array }
  /** Seeded noise, uniform in [-scale, scale), generated while writing. */
  | { kind: 'uniform'; seed: number; scale: number }
  /** Every element equal, e.g. RMSNorm gains of 1. */
  | { kind: 'fill'; value: number }
  /**
   * Quantized or half-precision bytes, computed only when the file is written (from a float weight
   * that is itself generated then), so memory holds one tensor at a time whatever the model size.
   */
  | { kind: 'encoded'; dataType: EncodedType; count: number; bytes: () => Uint8Array };

/** Element types of `encoded` tensors, by their ONNX name. */
export type EncodedType = 'INT8' | 'UINT8' | 'FLOAT16' | 'FLOAT';

const ENCODED_WIDTH: Readonly<Record<EncodedType, number>> = { INT8: 1, UINT8: 1, FLOAT16: 2, FLOAT: 4 };

export interface Initializer {
  name: string;
  dims: readonly number[];
  data: TensorData;
}

export interface Graph {
  name: string;
  /** Operator sets besides the default domain's, e.g. `com.microsoft` for MatMulNBits. */
  extraOpsets?: { domain: string; version: number }[];
  nodes: proto.INodeProto[];
  inputs: proto.IValueInfoProto[];
  outputs: proto.IValueInfoProto[];
  initializers: Initializer[];
}

export interface ModelHeader {
  producerName: string;
  producerVersion: string;
  docString: string;
}

const IR_VERSION = 8;
const OPSET = 17;
const CHUNK_ELEMENTS = 1 << 20;
const LENGTH_DELIMITED = 2;
const MODEL_GRAPH_FIELD = 7;
const GRAPH_INITIALIZER_FIELD = 5;
const TENSOR_RAW_DATA_FIELD = 9;

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function bytesPerElement(data: TensorData): number {
  if (data.kind === 'encoded') return ENCODED_WIDTH[data.dataType];
  return data.kind === 'int64' ? 8 : 4;
}

function dataTypeOf(data: TensorData): number {
  if (data.kind === 'encoded') return onnx.TensorProto.DataType[data.dataType];
  return data.kind === 'int64' ? onnx.TensorProto.DataType.INT64 : onnx.TensorProto.DataType.FLOAT;
}

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function lengthPrefix(field: number, length: number): Uint8Array {
  return Uint8Array.from([...varint((field << 3) | LENGTH_DELIMITED), ...varint(length)]);
}

function byteView(values: Float32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** One initializer: its encoded header (everything but raw_data) and the raw_data size. */
interface TensorLayout {
  init: Initializer;
  header: Uint8Array;
  rawBytes: number;
  rawPrefix: Uint8Array;
  /** Bytes of the whole TensorProto: header + raw_data field. */
  messageBytes: number;
  /** The TensorProto's own prefix inside GraphProto. */
  entryPrefix: Uint8Array;
}

function layoutTensor(init: Initializer): TensorLayout {
  const count = elementCount(init.dims);
  const { data } = init;
  const given = data.kind === 'float32' || data.kind === 'int64' ? data.values.length : data.kind === 'encoded' ? data.count : count;
  if (given !== count) throw new Error(`${init.name}: ${given} values for dims [${init.dims.join(', ')}]`);
  const header = onnx.TensorProto.encode({
    name: init.name,
    dims: [...init.dims],
    dataType: dataTypeOf(data),
  }).finish();
  const rawBytes = count * bytesPerElement(data);
  const rawPrefix = lengthPrefix(TENSOR_RAW_DATA_FIELD, rawBytes);
  const messageBytes = header.length + rawPrefix.length + rawBytes;
  return {
    init,
    header,
    rawBytes,
    rawPrefix,
    messageBytes,
    entryPrefix: lengthPrefix(GRAPH_INITIALIZER_FIELD, messageBytes),
  };
}

function writeRawData(out: HashedFileWriter, layout: TensorLayout): void {
  const { data } = layout.init;
  const count = layout.rawBytes / bytesPerElement(data);
  switch (data.kind) {
    case 'float32':
    case 'int64':
      out.write(byteView(data.values));
      return;
    case 'encoded': {
      const bytes = data.bytes();
      if (bytes.length !== layout.rawBytes) throw new Error(`${layout.init.name}: ${bytes.length} bytes, expected ${layout.rawBytes}`);
      out.write(bytes);
      return;
    }
    case 'fill': {
      const chunk = new Float32Array(Math.min(count, CHUNK_ELEMENTS)).fill(data.value);
      for (let done = 0; done < count; done += chunk.length) {
        out.write(byteView(chunk.subarray(0, Math.min(chunk.length, count - done))));
      }
      return;
    }
    case 'uniform': {
      const stream = new UniformStream(data.seed);
      const chunk = new Float32Array(Math.min(count, CHUNK_ELEMENTS));
      for (let done = 0; done < count; done += chunk.length) {
        const part = chunk.subarray(0, Math.min(chunk.length, count - done));
        stream.fill(part, data.scale);
        out.write(byteView(part));
      }
      return;
    }
  }
}

/** Writes `graph` as an IR 8 / opset 17 model; returns its size and sha256. */
export function writeOnnxModel(path: string, graph: Graph, header: ModelHeader): WrittenFile {
  // raw_data is little-endian by the ONNX spec; typed arrays use the host's byte order.
  if (endianness() !== 'LE') throw new Error('writing ONNX raw_data needs a little-endian host');

  const modelHead = onnx.ModelProto.encode({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }, ...(graph.extraOpsets ?? [])],
    producerName: header.producerName,
    producerVersion: header.producerVersion,
    docString: header.docString,
  }).finish();
  const graphHead = onnx.GraphProto.encode({
    name: graph.name,
    node: graph.nodes,
    input: graph.inputs,
    output: graph.outputs,
  }).finish();
  const tensors = graph.initializers.map(layoutTensor);
  const graphBytes = tensors.reduce(
    (sum, t) => sum + t.entryPrefix.length + t.messageBytes,
    graphHead.length,
  );

  const out = new HashedFileWriter(path);
  out.write(modelHead);
  out.write(lengthPrefix(MODEL_GRAPH_FIELD, graphBytes));
  out.write(graphHead);
  for (const t of tensors) {
    out.write(t.entryPrefix);
    out.write(t.header);
    out.write(t.rawPrefix);
    writeRawData(out, t);
  }
  return out.close();
}
