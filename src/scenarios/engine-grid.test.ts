import { describe, expect, it } from 'vitest';
import type { CatalogModel } from '../models/catalog.ts';
import type { ManifestModel } from '../models/manifest.ts';
import { agreementWith, cellLabel, fastestCell, gridCells, gridCriteria, gridThreadCounts, quantizedAgreement, retriesCell, type CellOutcome, type GridCell } from './engine-grid.ts';
import { metricOf } from './measure.ts';

const file = (path: string, bytes: number) => ({ path, bytes, sha256: '' });
const base: ManifestModel = {
  id: 'wf-tiny',
  name: 'tiny',
  architecture: 'LlamaForCausalLM',
  parameters: 35040,
  shapeOf: '',
  files: [file('config.json', 500), file('onnx/model.onnx', 140_000)],
  builds: [
    { dtype: 'fp32', ...file('onnx/model.onnx', 140_000) },
    { dtype: 'fp16', ...file('onnx/model_fp16.onnx', 70_000) },
    { dtype: 'q4', ...file('onnx/model_q4.onnx', 30_000) },
    { dtype: 'q8', ...file('onnx/model_quantized.onnx', 40_000) },
  ],
};
const gguf = (id: string, bytes: number): ManifestModel => ({ id, name: id, architecture: 'LlamaForCausalLM', parameters: 35040, shapeOf: '', files: [file(`${id}.gguf`, bytes)] });
const catalog: CatalogModel[] = [
  { source: 'bundled', engine: 'transformers', id: 'wf-tiny', label: '', description: '' },
  { source: 'bundled', engine: 'wllama', id: 'wf-tiny-gguf-f32', label: '', description: '', builtFrom: 'wf-tiny', buildDtype: 'f32' },
  { source: 'bundled', engine: 'wllama', id: 'wf-tiny-gguf-q8_0', label: '', description: '', builtFrom: 'wf-tiny', buildDtype: 'q8_0' },
  { source: 'bundled', engine: 'wllama', id: 'wf-other-gguf-q8_0', label: '', description: '', builtFrom: 'wf-other', buildDtype: 'q8_0' },
];

describe('gridThreadCounts', () => {
  it.each([
    ['not isolated: one thread only', false, 8, [1]],
    ['one core: one', true, 1, [1]],
    ['two cores: 1 and 2', true, 2, [1, 2]],
    ['sixteen cores: 1 and the WASM cap of 4', true, 16, [1, 4]],
    ['unknown cores: one', true, 0, [1]],
  ])('%s', (_name, isolated, cores, expected) => {
    expect(gridThreadCounts(isolated, cores)).toEqual(expected);
  });
});

describe('gridCells', () => {
  it('takes fp32, q8 and q4 on transformers.js, then the GGUF builds this server has, each at each thread count', () => {
    const cells = gridCells('wf-tiny', [base, gguf('wf-tiny-gguf-f32', 146_000)], catalog, [1, 2]);
    expect(cells.map(cellLabel)).toEqual([
      'transformers.js fp32, 1 thread',
      'transformers.js fp32, 2 threads',
      'transformers.js q8, 1 thread',
      'transformers.js q8, 2 threads',
      'transformers.js q4, 1 thread',
      'transformers.js q4, 2 threads',
      'wllama f32, 1 thread',
      'wllama f32, 2 threads',
    ]);
    expect(cells[2]).toEqual({ engine: 'transformers.js', modelId: 'wf-tiny', dtype: 'q8', onnxDtype: 'q8', weightsBytes: 40_000, threads: 1 });
    expect(cells[6]).toEqual({ engine: 'wllama', modelId: 'wf-tiny-gguf-f32', dtype: 'f32', weightsBytes: 146_000, threads: 1 });
  });

  it('is empty for a model this build does not carry', () => {
    expect(gridCells('wf-missing', [base], catalog, [1])).toEqual([]);
  });
});

const cell = (engine: GridCell['engine'], dtype: string, threads = 1): GridCell => ({ engine, modelId: 'm', dtype, threads, weightsBytes: 1 });
const ran = (c: GridCell, text: string, tps = 100): CellOutcome => ({ cell: c, error: null, reloadedAfter: null, decode: metricOf([tps, tps, tps], 'tok/s'), pieces: [...text], expectedTokens: text.length });

describe('gridCriteria', () => {
  const names = (outcomes: CellOutcome[]) => gridCriteria(outcomes).filter((c) => !c.pass).map((c) => c.name);

  it.each<[string, CellOutcome[], string[]]>([
    ['every cell ran, the full-precision cells agree', [ran(cell('transformers.js', 'fp32'), 'bcdef'), ran(cell('transformers.js', 'fp32', 2), 'bcdef'), ran(cell('wllama', 'f32'), 'bcdef'), ran(cell('wllama', 'q4_0'), 'bcxyz')], []],
    ['a quantized cell may answer otherwise', [ran(cell('transformers.js', 'fp32'), 'bcdef'), ran(cell('wllama', 'f32'), 'bcdef'), ran(cell('transformers.js', 'q4'), 'zzzzz')], []],
    ['llama.cpp f32 differs from fp32', [ran(cell('transformers.js', 'fp32'), 'bcdef'), ran(cell('wllama', 'f32'), 'bcdeX')], ['Same weights, same tokens']],
    ['two threads differ from one', [ran(cell('transformers.js', 'fp32'), 'bcdef'), ran(cell('transformers.js', 'fp32', 2), 'Xcdef')], ['Same weights, same tokens']],
    ['one full-precision cell alone proves nothing', [ran(cell('transformers.js', 'fp32'), 'bcdef')], ['Same weights, same tokens']],
    [
      'a cell that failed to load',
      [ran(cell('transformers.js', 'fp32'), 'bcdef'), ran(cell('wllama', 'f32'), 'bcdef'), { cell: cell('wllama', 'q8_0'), error: 'refused', reloadedAfter: null, decode: null, pieces: [], expectedTokens: 5 }],
      ['Every cell ran'],
    ],
    ['a cell short of its tokens', [ran(cell('transformers.js', 'fp32'), 'bcdef'), ran(cell('wllama', 'f32'), 'bcdef'), { ...ran(cell('wllama', 'q8_0'), 'bcd'), expectedTokens: 5 }], ['Every cell ran']],
    ['nothing ran', [], ['Every cell ran', 'Same weights, same tokens']],
  ])('%s', (_name, outcomes, failing) => {
    expect(names(outcomes)).toEqual(failing);
  });

  it('names a cell that ran in a second worker, and why the first died', () => {
    const [ranAll] = gridCriteria([ran(cell('transformers.js', 'fp32'), 'bcdef'), { ...ran(cell('transformers.js', 'q4', 2), 'bcdef'), reloadedAfter: 'no download progress for 30.0 s' }]);
    expect(ranAll!.pass).toBe(true);
    expect(ranAll!.measured).toBe('2 of 2 cells; in a second worker: transformers.js q4, 2 threads (the first: no download progress for 30.0 s)');
  });

  it.each<[string, string | null, number, boolean]>([
    ['its worker died: one more try', 'crashed', 0, true],
    ['its worker died again: no third', 'crashed', 1, false],
    ['refused: the cell\'s result', 'model-unsupported', 0, false],
    ['too big: the cell\'s result', 'out-of-memory', 0, false],
    ['an error with no code', null, 0, false],
  ])('retriesCell: %s', (_name, code, attempt, expected) => {
    expect(retriesCell(code, attempt)).toBe(expected);
  });

  it('says where the full-precision cells part', () => {
    const [, same] = gridCriteria([ran(cell('transformers.js', 'fp32'), 'bcdef'), ran(cell('wllama', 'f32'), 'bcdeX')]);
    expect(same!.measured).toBe('wllama f32, 1 thread differs from transformers.js fp32, 1 thread at token 4: "bcdeX" vs "bcdef"');
  });
});

describe('agreement and the fastest cell', () => {
  it.each([
    ['identical', 'abcd', 'abcd', 1],
    ['one of four differs', 'abXd', 'abcd', 0.75],
    ['shorter than the reference', 'ab', 'abcd', 0.5],
    ['no reference', 'ab', '', 0],
  ])('agreementWith: %s', (_name, pieces, reference, expected) => {
    expect(agreementWith([...pieces], [...reference])).toBe(expected);
  });

  it('reports each quantized cell against its own engine’s full precision at its thread count', () => {
    const rows = quantizedAgreement([
      ran(cell('transformers.js', 'fp32'), 'abcd'),
      ran(cell('transformers.js', 'q4'), 'abXd'),
      ran(cell('wllama', 'f32'), 'abcd'),
      ran(cell('wllama', 'q8_0'), 'abcd'),
      ran(cell('wllama', 'q8_0', 2), 'abcd'),
    ]);
    expect(rows).toEqual([
      { name: 'agreement with fp32, transformers.js q4, 1 thread', percent: 75 },
      { name: 'agreement with f32, wllama q8_0, 1 thread', percent: 100 },
    ]);
  });

  it('fastestCell takes the highest median decode of the cells that ran', () => {
    const slow = ran(cell('transformers.js', 'fp32'), 'a', 80);
    const fast = ran(cell('wllama', 'q8_0'), 'a', 240);
    expect(fastestCell([slow, fast, { cell: cell('wllama', 'q4_0'), error: 'x', reloadedAfter: null, decode: null, pieces: [], expectedTokens: 1 }])).toBe(fast);
    expect(fastestCell([])).toBeNull();
  });
});
