import { describe, expect, it } from 'vitest';
import { engineOf } from './catalog.ts';
import type { GgufTensorInfo } from './gguf-header.ts';
import { dominantQuantization, isModelFileId, modelFileId, modelFileLabel } from './model-files.ts';

function tensor(type: number, bytes: number): GgufTensorInfo {
  return { name: `t${type}-${bytes}`, dims: [1], type, offset: 0, bytes };
}

describe('modelFileId', () => {
  it.each([
    ['my-model.gguf', 1_234_567, 'ab'.repeat(32), 'file:my-model.gguf@1234567#abababababababab'],
    // Two files of one name: the size or the fingerprint tells them apart.
    ['my-model.gguf', 1_234_568, 'ab'.repeat(32), 'file:my-model.gguf@1234568#abababababababab'],
    ['my-model.gguf', 1_234_567, 'cd'.repeat(32), 'file:my-model.gguf@1234567#cdcdcdcdcdcdcdcd'],
    // A name is kept as given, markup and all: it is only ever shown as text.
    ['<img src=x onerror=alert(1)>.gguf', 10, '0'.repeat(64), 'file:<img src=x onerror=alert(1)>.gguf@10#0000000000000000'],
  ])('%s, %d bytes → %s', (name, bytes, sha, id) => {
    expect(modelFileId(name, bytes, sha)).toBe(id);
    expect(isModelFileId(id)).toBe(true);
    expect(engineOf(id)).toBe('wllama');
  });

  it.each(['wf-tiny', 'wf-tiny-gguf-q8_0', 'remote:127.0.0.1:8080/file:x'])('%s is not a file id', (id) => {
    expect(isModelFileId(id)).toBe(false);
  });
});

describe('dominantQuantization', () => {
  it.each([
    ['Q8_0 weights with F32 norms', [tensor(8, 34_000), tensor(0, 400), tensor(0, 400), tensor(8, 34_000)], 'Q8_0'],
    ['all F32', [tensor(0, 4_000)], 'F32'],
    ['more F32 tensors but fewer bytes', [tensor(0, 10), tensor(0, 10), tensor(0, 10), tensor(2, 1_800)], 'Q4_0'],
    ['a K-quant mix', [tensor(12, 144_000), tensor(14, 210_000), tensor(0, 100)], 'Q6_K'],
    ['no tensors', [], null],
  ] as const)('%s → %s', (_, tensors, expected) => {
    expect(dominantQuantization({ tensors: [...tensors] })).toBe(expected);
  });
});

describe('modelFileLabel', () => {
  it.each([
    ['my-model.gguf', 1_200_000, 'Q8_0', 'my-model.gguf (your file, 1.2 MB, Q8_0)'],
    ['big.gguf', 1_900_000_000, 'Q4_K', 'big.gguf (your file, 1.9 GB, Q4_K)'],
    ['empty.gguf', 64, null, 'empty.gguf (your file, 64 B)'],
  ] as const)('%s → %s', (name, bytes, quantization, label) => {
    expect(modelFileLabel(name, bytes, quantization)).toBe(label);
  });
});
