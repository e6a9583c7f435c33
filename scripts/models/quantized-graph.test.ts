/**
 * The quantized builds' graphs: the ops and layouts they use, and what running them natively
 * (onnxruntime-node, the CPU kernels ORT Web's WASM build compiles too) gives against the fp32 build.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { onnx as proto } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSpec } from './catalog.ts';
import { generateModels, ONNX_FILE, QUANTIZED_DTYPES, readManifest } from './generate.ts';
import { onnx } from './onnx-file.ts';
import { DTYPE_FILES, MS_DOMAIN, type QuantizedDtype } from './quantized-graph.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wf-quantized-'));
  generateModels(dir, ['wf-tiny', 'wf-stories15m']);
  // Four builds of a 15M model: several seconds, more on a busy machine.
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T = onnx.TensorProto.DataType;

function decode(id: string, path: string): proto.ModelProto {
  return onnx.ModelProto.decode(readFileSync(join(dir, id, path)));
}

function fileOf(dtype: QuantizedDtype | 'fp32'): string {
  return dtype === 'fp32' ? ONNX_FILE : DTYPE_FILES[dtype];
}

describe('the builds in the manifest', () => {
  it('lists every build with the file name transformers.js asks for, fp32 first', () => {
    const manifest = readManifest(dir)!;
    // The GGUF builds are entries of their own, without ONNX builds.
    for (const model of manifest.models.filter((m) => m.format !== 'gguf')) {
      expect(model.builds!.map((b) => [b.dtype, b.path])).toEqual([
        ['fp32', 'onnx/model.onnx'],
        ['q8', 'onnx/model_quantized.onnx'],
        ['q4', 'onnx/model_q4.onnx'],
        ['fp16', 'onnx/model_fp16.onnx'],
      ]);
      expect(model.builds![0]).toEqual({ dtype: 'fp32', ...model.files.find((f) => f.path === ONNX_FILE)! });
    }
    const stories = manifest.models.find((m) => m.id === 'wf-stories15m')!;
    const bytes = Object.fromEntries(stories.builds!.map((b) => [b.dtype, b.bytes]));
    // int8 everywhere (the tied embedding once) ≈ ¼; fp16 ½; q4 keeps the 36.9 MB embedding fp32 for its Gather.
    expect(bytes['q8']! / bytes['fp32']!).toBeCloseTo(0.255, 2);
    expect(bytes['fp16']! / bytes['fp32']!).toBeCloseTo(0.5, 2);
    expect(bytes['q4']! / bytes['fp32']!).toBeCloseTo(0.763, 2);
  });
});

describe('q8: what ORT\'s dynamic quantizer writes', () => {
  it('uses standard ops only, int8 weights with per-column scales, one table for a tied embedding', () => {
    const graph = decode('wf-stories15m', DTYPE_FILES.q8).graph!;
    const ops = new Set(graph.node!.map((n) => n.opType));
    expect(ops.has('MatMulInteger') && ops.has('DynamicQuantizeLinear')).toBe(true);
    expect(graph.node!.every((n) => !n.domain)).toBe(true);
    const { hiddenSize, vocabSize, layers } = findSpec('wf-stories15m').shape;
    const int8 = graph.initializer!.filter((i) => i.dataType === T.INT8 && i.dims!.length === 2);
    // 7 projections per layer plus the embedding, which the LM head shares.
    expect(int8.length).toBe(7 * layers + 1);
    const table = graph.initializer!.find((i) => i.name === 'model.embed_tokens.weight_quantized')!;
    expect(table.dims!.map(Number)).toEqual([hiddenSize, vocabSize]);
    const users = graph.node!.filter((n) => n.input!.includes(table.name!)).map((n) => n.opType);
    expect(users.sort()).toEqual(['Gather', 'MatMulInteger']);
    expect(graph.initializer!.some((i) => i.dataType === T.FLOAT && i.dims!.length === 2)).toBe(false);
    // One DynamicQuantizeLinear per distinct activation: q/k/v share one, gate/up another.
    expect(graph.node!.filter((n) => n.opType === 'DynamicQuantizeLinear').length).toBe(4 * layers + 1);
  });
});

describe('q4: MatMulNBits blocks of 32', () => {
  it('replaces every weight MatMul with com.microsoft MatMulNBits and keeps the embedding fp32', () => {
    const model = decode('wf-tiny', DTYPE_FILES.q4);
    expect(model.opsetImport!.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17], [MS_DOMAIN, 1]]);
    const graph = model.graph!;
    const nbits = graph.node!.filter((n) => n.opType === 'MatMulNBits');
    expect(nbits.length).toBe(7 * 2 + 1);
    for (const node of nbits) {
      expect(node.domain).toBe(MS_DOMAIN);
      const attrs = Object.fromEntries(node.attribute!.map((a) => [a.name, Number(a.i)]));
      expect(attrs['bits']).toBe(4);
      expect(attrs['block_size']).toBe(32);
      const b = graph.initializer!.find((i) => i.name === node.input![1])!;
      expect(b.dataType).toBe(T.UINT8);
      expect(b.dims!.map(Number)).toEqual([attrs['N'], Math.ceil(attrs['K']! / 32), 16]);
      const scales = graph.initializer!.find((i) => i.name === node.input![2])!;
      expect(scales.dims!.map(Number)).toEqual([attrs['N']! * Math.ceil(attrs['K']! / 32)]);
    }
    const embedding = graph.initializer!.find((i) => i.name === 'model.embed_tokens.weight')!;
    expect(embedding.dataType).toBe(T.FLOAT);
    expect(graph.node!.some((n) => n.opType === 'MatMul' && graph.initializer!.some((i) => i.name === n.input![1]))).toBe(false);
  });
});

describe('fp16: every float in binary16', () => {
  it('has float16 inputs, outputs and weights and no float32 left', () => {
    const graph = decode('wf-tiny', DTYPE_FILES.fp16).graph!;
    const floatTypes = [...graph.input!, ...graph.output!].map((v) => v.type!.tensorType!.elemType).filter((t) => t !== T.INT64);
    expect(new Set(floatTypes)).toEqual(new Set([T.FLOAT16]));
    expect(graph.initializer!.some((i) => i.dataType === T.FLOAT)).toBe(false);
    expect(graph.node!.filter((n) => n.opType === 'Cast').every((n) => n.attribute!.some((a) => Number(a.i) !== T.FLOAT))).toBe(true);
  });
});

/** Logits of one prompt's last position, as float32 whatever the build's type. */
async function lastLogits(id: string, dtype: QuantizedDtype | 'fp32', ids: readonly number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(join(dir, id, fileOf(dtype)));
  const { layers, kvHeads, headDim } = findSpec(id).shape;
  const kvType = dtype === 'fp16' ? 'float16' : 'float32';
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
    position_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (_, i) => BigInt(i)), [1, ids.length]),
    num_logits_to_keep: new ort.Tensor('int64', [1n], []),
  };
  for (let i = 0; i < layers; i++) {
    for (const kind of ['key', 'value']) {
      feeds[`past_key_values.${i}.${kind}`] = new ort.Tensor(kvType, kvType === 'float16' ? new Uint16Array(0) : new Float32Array(0), [1, kvHeads, 0, headDim]);
    }
  }
  const logits = (await session.run(feeds))['logits']!;
  await session.release();
  const data = logits.data as Float32Array | Uint16Array;
  return Float32Array.from(data as ArrayLike<number>, (v) => (typeof v === 'number' && logits.type === 'float16' && data instanceof Uint16Array ? halfToFloat(v) : v));
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  return e === 0 ? sign * m * 2 ** -24 : e === 0x1f ? (m ? Number.NaN : sign * Number.POSITIVE_INFINITY) : sign * (1 + m / 1024) * 2 ** (e - 15);
}

function argmax(values: Float32Array): number {
  return values.reduce((best, v, i) => (v > values[best]! ? i : best), 0);
}

function relativeError(a: Float32Array, reference: Float32Array): number {
  let diff = 0;
  let norm = 0;
  reference.forEach((r, i) => {
    diff += (a[i]! - r) ** 2;
    norm += r ** 2;
  });
  return Math.sqrt(diff / norm);
}

describe('running the builds natively (onnxruntime-node)', () => {
  it.each(QUANTIZED_DTYPES)('wf-tiny %s picks the successor byte at every position of a prompt', async (dtype) => {
    const prompt = [...new TextEncoder().encode('Hello, world')];
    for (let end = 1; end <= prompt.length; end++) {
      const logits = await lastLogits('wf-tiny', dtype, prompt.slice(0, end));
      expect(argmax(logits), `after ${end} bytes`).toBe((prompt[end - 1]! + 1) % 256);
    }
  });

  // Relative L2 error of the logits against fp32, on seeded random weights: the quantizers' error
  // carried through six layers. Bounds sit about twice above what was measured (q8 0.020,
  // q4 0.21, fp16 0.00076), so they catch a broken layout, not rounding noise.
  it.each([
    ['q8', 0.05],
    ['q4', 0.4],
    ['fp16', 0.002],
  ] as const)('wf-stories15m %s logits stay within %d (relative) of fp32 and are not fp32\'s', async (dtype, bound) => {
    const ids = [1, 450, 3974, 29892, 263, 2217, 7826];
    const reference = await lastLogits('wf-stories15m', 'fp32', ids);
    const error = relativeError(await lastLogits('wf-stories15m', dtype, ids), reference);
    expect(error).toBeGreaterThan(0);
    expect(error).toBeLessThan(bound);
  });
});
