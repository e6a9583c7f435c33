/**
 * Rewrites a generated fp32 decoder graph into the builds the model hub ships beside it, in the file
 * names transformers.js asks for per dtype, so that its own dtype option loads them:
 *
 * - q8 (`onnx/model_quantized.onnx`): the graph ORT's dynamic quantizer writes. Every MatMul with a
 *   weight becomes DynamicQuantizeLinear (the activation, uint8, per tensor) → MatMulInteger (int8
 *   weights, one scale per output column) → Cast → Mul by both scales; ORT fuses that chain into its
 *   DynamicQuantizeMatMul kernel. The embedding's Gather reads the same int8 table and multiplies the
 *   gathered columns by their gathered scales, so a tied LM head and embedding stay one int8 tensor.
 * - q4 (`onnx/model_q4.onnx`): every MatMul with a weight becomes `com.microsoft` MatMulNBits (4-bit
 *   blocks of 32 along K, fp32 scales, activations stay fp32). The embedding stays fp32 for its
 *   Gather, as in the hub's q4 builds; a tied LM head gets its own 4-bit copy.
 * - fp16 (`onnx/model_fp16.onnx`): every float tensor, input and output in binary16, as the hub's
 *   fp16 exports are (transformers.js then keeps an fp16 KV cache).
 *
 * Only the weights' encoding changes: node order, names of graph inputs and outputs, and every other
 * op stay those of the fp32 graph.
 */
import type { onnx as proto } from 'onnx-proto';
import { FLOAT } from './graph-builder.ts';
import { elementCount, onnx, type EncodedType, type Graph, type Initializer, type TensorData } from './onnx-file.ts';
import { materialize, nbitsBlocksPerColumn, NBITS_BLOCK, quantize4BitBlocks, quantizeInt8Columns, toFloat16 } from './quantize.ts';

export type QuantizedDtype = 'q8' | 'q4' | 'fp16';

/** transformers.js 4's `DEFAULT_DTYPE_SUFFIX_MAPPING` for the dtypes written here; fp32 is `onnx/model.onnx`. */
export const DTYPE_FILES: Readonly<Record<QuantizedDtype, string>> = {
  q8: 'onnx/model_quantized.onnx',
  q4: 'onnx/model_q4.onnx',
  fp16: 'onnx/model_fp16.onnx',
};

export const MS_DOMAIN = 'com.microsoft';
const FLOAT16 = onnx.TensorProto.DataType.FLOAT16;
/** Largest finite binary16: fp32 constants beyond it (the attention mask's fill) are clamped, not made infinite. */
const FLOAT16_MAX = 65504;

function encoded(dataType: EncodedType, count: number, bytes: () => Uint8Array): TensorData {
  return { kind: 'encoded', dataType, count, bytes };
}

function bytesOf(values: Int8Array | Uint16Array | Float32Array | Uint8Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/**
 * Computes a quantization once for the tensors that come from it (values, scales), then forgets it:
 * the writer asks for them one after the other, so one entry keeps memory at one weight.
 */
function lastOnly<T>(compute: (name: string) => T): (name: string) => T {
  let last: { name: string; value: T } | null = null;
  return (name) => {
    if (last?.name !== name) last = { name, value: compute(name) };
    return last.value;
  };
}

function attribute(name: string, value: number): proto.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

/** The 2-D float weights the graph multiplies or gathers: what quantization applies to. */
function weightsByName(graph: Graph): Map<string, Initializer> {
  const used = new Set(graph.nodes.filter((n) => n.opType === 'MatMul' || n.opType === 'Gather').map((n) => n.input![n.opType === 'MatMul' ? 1 : 0]!));
  return new Map(
    graph.initializers
      .filter((init) => used.has(init.name) && init.dims.length === 2 && init.data.kind !== 'int64')
      .map((init) => [init.name, init]),
  );
}

function q8Graph(graph: Graph): Graph {
  const weights = weightsByName(graph);
  const quantized = lastOnly((name: string) => {
    const init = weights.get(name)!;
    const [rows, cols] = init.dims as [number, number];
    return quantizeInt8Columns(materialize(init.data, rows * cols), rows, cols);
  });
  const initializers: Initializer[] = [];
  const written = new Set<string>();
  const addQuantized = (name: string, withZeroPoint: boolean): void => {
    const [rows, cols] = weights.get(name)!.dims as [number, number];
    if (!written.has(name)) {
      written.add(name);
      initializers.push(
        { name: `${name}_quantized`, dims: [rows, cols], data: encoded('INT8', rows * cols, () => bytesOf(quantized(name).values)) },
        { name: `${name}_scale`, dims: [cols], data: encoded('FLOAT', cols, () => bytesOf(quantized(name).scales)) },
      );
    }
    if (withZeroPoint && !written.has(`${name}_zero_point`)) {
      written.add(`${name}_zero_point`);
      initializers.push({ name: `${name}_zero_point`, dims: [cols], data: encoded('INT8', cols, () => new Uint8Array(cols)) });
    }
  };

  const nodes: proto.INodeProto[] = [];
  const quantizedInputs = new Map<string, [string, string, string]>();
  for (const node of graph.nodes) {
    const [a, b] = node.input as string[];
    const out = node.output![0]!;
    if (node.opType === 'MatMul' && weights.has(b!)) {
      addQuantized(b!, true);
      let activation = quantizedInputs.get(a!);
      if (activation === undefined) {
        activation = [`${a}_quantized`, `${a}_scale`, `${a}_zero_point`];
        quantizedInputs.set(a!, activation);
        nodes.push({ name: `${a}_QuantizeLinear`, opType: 'DynamicQuantizeLinear', input: [a!], output: [...activation] });
      }
      const [xq, xs, xz] = activation;
      nodes.push(
        { name: `${node.name}_MatMulInteger`, opType: 'MatMulInteger', input: [xq, `${b}_quantized`, xz, `${b}_zero_point`], output: [`${out}_int32`] },
        { name: `${node.name}_cast`, opType: 'Cast', input: [`${out}_int32`], output: [`${out}_float`], attribute: [attribute('to', FLOAT)] },
        { name: `${node.name}_scales`, opType: 'Mul', input: [xs, `${b}_scale`], output: [`${out}_scale`] },
        { name: `${node.name}_dequantize`, opType: 'Mul', input: [`${out}_float`, `${out}_scale`], output: [out] },
      );
    } else if (node.opType === 'Gather' && weights.has(a!)) {
      const axis = node.attribute?.find((x) => x.name === 'axis')?.i;
      // Columns carry the per-token scales; gathering rows would need per-row ones.
      if (Number(axis) !== 1) throw new Error(`${node.name}: only a Gather of columns (axis 1) can read a per-column int8 table`);
      addQuantized(a!, false);
      nodes.push(
        { name: `${node.name}_values`, opType: 'Gather', input: [`${a}_quantized`, b!], output: [`${out}_int8`], attribute: [attribute('axis', 1)] },
        { name: `${node.name}_cast`, opType: 'Cast', input: [`${out}_int8`], output: [`${out}_float`], attribute: [attribute('to', FLOAT)] },
        { name: `${node.name}_scales`, opType: 'Gather', input: [`${a}_scale`, b!], output: [`${out}_scale`], attribute: [attribute('axis', 0)] },
        { name: `${node.name}_dequantize`, opType: 'Mul', input: [`${out}_float`, `${out}_scale`], output: [out] },
      );
    } else {
      nodes.push(node);
    }
  }
  return { ...graph, nodes, initializers: [...graph.initializers.filter((i) => !weights.has(i.name)), ...initializers] };
}

function q4Graph(graph: Graph): Graph {
  const weights = weightsByName(graph);
  const packed = lastOnly((name: string) => {
    const init = weights.get(name)!;
    const [k, n] = init.dims as [number, number];
    return quantize4BitBlocks(materialize(init.data, k * n), k, n);
  });
  const gathered = new Set(graph.nodes.filter((n) => n.opType === 'Gather').map((n) => n.input![0]!));
  const initializers: Initializer[] = [];
  const nodes = graph.nodes.map((node): proto.INodeProto => {
    const b = node.input![1]!;
    if (node.opType !== 'MatMul' || !weights.has(b)) return node;
    const [k, n] = weights.get(b)!.dims as [number, number];
    const blocks = nbitsBlocksPerColumn(k);
    initializers.push(
      { name: `${b}_Q4`, dims: [n, blocks, NBITS_BLOCK / 2], data: encoded('UINT8', n * blocks * (NBITS_BLOCK / 2), () => packed(b).packed) },
      { name: `${b}_scales`, dims: [n * blocks], data: encoded('FLOAT', n * blocks, () => bytesOf(packed(b).scales)) },
    );
    return {
      name: `${node.name}_Q4`,
      opType: 'MatMulNBits',
      domain: MS_DOMAIN,
      input: [node.input![0]!, `${b}_Q4`, `${b}_scales`],
      output: node.output!,
      attribute: [attribute('K', k), attribute('N', n), attribute('bits', 4), attribute('block_size', NBITS_BLOCK)],
    };
  });
  return {
    ...graph,
    extraOpsets: [{ domain: MS_DOMAIN, version: 1 }],
    nodes,
    initializers: [...graph.initializers.filter((i) => !weights.has(i.name) || gathered.has(i.name)), ...initializers],
  };
}

function toFloat16Type(info: proto.IValueInfoProto): proto.IValueInfoProto {
  const tensor = info.type?.tensorType;
  if (tensor?.elemType !== FLOAT) return info;
  return { ...info, type: { ...info.type, tensorType: { ...tensor, elemType: FLOAT16 } } };
}

function fp16Graph(graph: Graph): Graph {
  const initializers = graph.initializers.map((init): Initializer => {
    if (init.data.kind === 'int64' || init.data.kind === 'encoded') return init;
    const { data } = init;
    const count = elementCount(init.dims);
    return {
      ...init,
      data: encoded('FLOAT16', count, () => {
        const values = materialize(data, count).map((v) => Math.max(-FLOAT16_MAX, Math.min(FLOAT16_MAX, v)));
        return bytesOf(toFloat16(values));
      }),
    };
  });
  const nodes = graph.nodes.map((node) =>
    node.opType === 'Cast' && node.attribute?.some((a) => a.name === 'to' && Number(a.i) === FLOAT)
      ? { ...node, attribute: node.attribute.map((a) => (a.name === 'to' ? attribute('to', FLOAT16) : a)) }
      : node,
  );
  return { ...graph, nodes, initializers, inputs: graph.inputs.map(toFloat16Type), outputs: graph.outputs.map(toFloat16Type) };
}

export function quantizedGraph(graph: Graph, dtype: QuantizedDtype): Graph {
  switch (dtype) {
    case 'q8':
      return q8Graph(graph);
    case 'q4':
      return q4Graph(graph);
    case 'fp16':
      return fp16Graph(graph);
  }
}
