import { describe, expect, it } from 'vitest';
import { isStorablePath, keptFolderWhole, parseKeptDescription, type KeptFolder, type KeptModelFile } from './kept-entry.ts';

const KEY = 'ab'.repeat(16) + '-365000';
const FILE: KeptModelFile = { id: 'file:wf-tiny.q8_0.gguf@45056#0123456789abcdef', name: 'wf-tiny.q8_0.gguf', label: 'wf-tiny.q8_0.gguf (your file, 45.1 kB, Q8_0)', quantization: 'Q8_0', key: KEY, bytes: 45_056 };
const FOLDER_FILES = [
  { path: 'config.json', bytes: 539 },
  { path: 'tokenizer.json', bytes: 5024 },
  { path: 'onnx/model.onnx', bytes: 151_803 },
];
const FOLDER: KeptModelFile = {
  id: 'file:wf-tiny/@365000#0123456789abcdef',
  name: 'wf-tiny',
  label: 'wf-tiny (your folder, 157 kB, fp32)',
  quantization: 'fp32',
  key: KEY,
  bytes: 539 + 5024 + 151_803,
  folder: { dtype: 'fp32', files: FOLDER_FILES },
};

describe('parseKeptDescription', () => {
  it.each<[string, unknown, boolean]>([
    ['a GGUF file', FILE, true],
    ['a folder', FOLDER, true],
    ['another key', { ...FILE, key: 'cd'.repeat(16) + '-1' }, false],
    ['no label', { ...FILE, label: undefined }, false],
    ['a size that is text', { ...FILE, bytes: '45056' }, false],
    ['a quantization that is a number', { ...FILE, quantization: 8 }, false],
    ['a folder whose sizes do not add up to its bytes', { ...FOLDER, bytes: FOLDER.bytes + 1 }, false],
    ['a folder of an unknown build', { ...FOLDER, folder: { dtype: 'q3', files: FOLDER_FILES } }, false],
    ['a folder with no files', { ...FOLDER, bytes: 0, folder: { dtype: 'fp32', files: [] } }, false],
    ['a folder with a file twice', { ...FOLDER, bytes: FOLDER.bytes + 539, folder: { dtype: 'fp32', files: [...FOLDER_FILES, FOLDER_FILES[0]] } }, false],
    ['a folder with a path out of it', { ...FOLDER, folder: { dtype: 'fp32', files: [{ path: '../config.json', bytes: 539 }, ...FOLDER_FILES.slice(1)] } }, false],
    ['a folder with a negative size', { ...FOLDER, bytes: FOLDER.bytes - 1078, folder: { dtype: 'fp32', files: [{ path: 'config.json', bytes: -539 }, ...FOLDER_FILES.slice(1)] } }, false],
    ['null', null, false],
    ['an array', [FILE], false],
  ])('%s', (_, value, ok) => {
    expect(parseKeptDescription(JSON.stringify(value), KEY)).toEqual(ok ? value : null);
  });

  it('text that is not JSON', () => {
    expect(parseKeptDescription('{"id": "file:', KEY)).toBeNull();
  });
});

describe('isStorablePath', () => {
  it.each<[string, boolean]>([
    ['config.json', true],
    ['onnx/model.onnx_data_1', true],
    ['my model files/tokenizer.json', true],
    ['', false],
    ['/config.json', false],
    ['onnx//model.onnx', false],
    ['./config.json', false],
    ['onnx/../../secret', false],
    ['onnx\\model.onnx', false],
  ])('%j → %s', (path, ok) => {
    expect(isStorablePath(path)).toBe(ok);
  });
});

describe('keptFolderWhole', () => {
  const folder: KeptFolder = { dtype: 'fp32', files: FOLDER_FILES };
  const stored = (...entries: Array<[string, number]>): Map<string, number> => new Map(entries);
  it.each<[string, Map<string, number>, boolean]>([
    ['every file at its size', stored(['config.json', 539], ['tokenizer.json', 5024], ['onnx/model.onnx', 151_803]), true],
    ['an extra file stored beside them', stored(['config.json', 539], ['tokenizer.json', 5024], ['onnx/model.onnx', 151_803], ['x', 1]), true],
    ['the weights missing (the copy stopped before them)', stored(['config.json', 539], ['tokenizer.json', 5024]), false],
    ['the weights cut short', stored(['config.json', 539], ['tokenizer.json', 5024], ['onnx/model.onnx', 65_536]), false],
    ['the weights an empty file (created, never written)', stored(['config.json', 539], ['tokenizer.json', 5024], ['onnx/model.onnx', 0]), false],
    ['nothing', stored(), false],
  ])('%s', (_, found, whole) => {
    expect(keptFolderWhole(folder, found)).toBe(whole);
  });
});
