import { describe, expect, it } from 'vitest';
import { CATALOG, findSpec } from './catalog.ts';
import { buildLlamaGraph, parameterCount } from './llama-graph.ts';

/** Ops of the default ONNX domain, opset 17, that onnxruntime-web's CPU (wasm) provider implements. */
const STANDARD_OPS = new Set([
  'Add', 'And', 'Cast', 'Concat', 'Cos', 'Div', 'Expand', 'Gather', 'LessOrEqual', 'MatMul', 'Mul', 'Neg',
  'Pow', 'Range', 'ReduceMean', 'Reshape', 'Shape', 'Sigmoid', 'Sin', 'Slice', 'Softmax', 'Split', 'Sqrt',
  'Squeeze', 'Sub', 'Transpose', 'Unsqueeze', 'Where',
]);

describe('buildLlamaGraph', () => {
  it('uses standard ops only and repeats KV heads with Expand where heads are grouped', () => {
    for (const spec of CATALOG) {
      const graph = buildLlamaGraph(spec.shape, () => ({ kind: 'fill', value: 0 }));
      const ops = new Set(graph.nodes.map((n) => n.opType!));
      expect([...ops].filter((op) => !STANDARD_OPS.has(op)), spec.id).toEqual([]);
      expect(ops.has('Expand'), spec.id).toBe(spec.shape.kvHeads !== spec.shape.heads);
    }
  });

  it('has the parameter counts of the models whose shapes it copies', () => {
    // Both published counts include tied embeddings once.
    expect(parameterCount(findSpec('wf-smollm2-135m').shape)).toBe(134_515_008);
    expect(parameterCount(findSpec('wf-stories15m').shape)).toBe(15_191_712);
  });
});
