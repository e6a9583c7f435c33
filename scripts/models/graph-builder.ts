/**
 * Collects ONNX nodes, graph inputs/outputs and initializers with generated, stable names, so the
 * architecture code reads like the forward pass it describes instead of like protobuf plumbing.
 */
import type { onnx as proto } from 'onnx-proto';
import { onnx, type Graph, type Initializer, type TensorData } from './onnx-file.ts';

export type Dim = number | string;
/** Every attribute used by this generator is an int or a list of ints (axis, perm, to, keepdims). */
export type Attributes = Record<string, number | readonly number[]>;

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;
export const BOOL = onnx.TensorProto.DataType.BOOL;

function valueInfo(name: string, elemType: number, dims: readonly Dim[]): proto.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, value: number | readonly number[]): proto.IAttributeProto {
  return typeof value === 'number'
    ? { name, type: onnx.AttributeProto.AttributeType.INT, i: value }
    : { name, type: onnx.AttributeProto.AttributeType.INTS, ints: [...value] };
}

export class GraphBuilder {
  private readonly nodes: proto.INodeProto[] = [];
  private readonly inputs: proto.IValueInfoProto[] = [];
  private readonly outputs: proto.IValueInfoProto[] = [];
  private readonly initializers: Initializer[] = [];
  /** Small constants are shared by value so each distinct one is stored once. */
  private readonly constants = new Map<string, string>();
  private counter = 0;

  input(name: string, elemType: number, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** Declares a graph output; the node producing it must be given the same name via `op(..., name)`. */
  output(name: string, elemType: number, dims: readonly Dim[]): string {
    this.outputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  initializer(name: string, dims: readonly number[], data: TensorData): string {
    this.initializers.push({ name, dims, data });
    return name;
  }

  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant('i64', values, dims, () => ({
      kind: 'int64',
      values: BigInt64Array.from(values, (v) => BigInt(v)),
    }));
  }

  float(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant('f32', values, dims, () => ({ kind: 'float32', values: Float32Array.from(values) }));
  }

  private constant(type: string, values: readonly number[], dims: readonly number[], data: () => TensorData): string {
    const key = `${type}[${dims.join(',')}]:${values.join(',')}`;
    let name = this.constants.get(key);
    if (name === undefined) {
      name = this.initializer(`const_${this.constants.size}`, dims, data());
      this.constants.set(key, name);
    }
    return name;
  }

  /** Adds one node with a single output and returns that output's name. */
  op(opType: string, inputs: readonly string[], attributes: Attributes = {}, outputName?: string): string {
    return this.opN(opType, inputs, 1, attributes, outputName === undefined ? undefined : [outputName])[0]!;
  }

  opN(
    opType: string,
    inputs: readonly string[],
    outputCount: number,
    attributes: Attributes = {},
    outputNames?: readonly string[],
  ): string[] {
    const id = this.counter++;
    const output =
      outputNames !== undefined
        ? [...outputNames]
        : Array.from({ length: outputCount }, (_, k) => `${opType}_${id}${outputCount > 1 ? `_${k}` : ''}`);
    this.nodes.push({
      name: `${opType}_${id}`,
      opType,
      input: [...inputs],
      output,
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return output;
  }

  build(name: string): Graph {
    return {
      name,
      nodes: this.nodes,
      inputs: this.inputs,
      outputs: this.outputs,
      initializers: this.initializers,
    };
  }
}
