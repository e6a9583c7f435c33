import { describe, expect, it } from 'vitest';
import { MAX_FOLDER_FILES, readDroppedFolder } from './dropped-folder.ts';

/** A stand-in for the browser's entry API (FileSystemDirectoryEntry), which Node lacks: a tree of names. */
type Tree = { [name: string]: string | Tree };

function entry(name: string, node: string | Tree, parent: string, batch: number): FileSystemEntry {
  const fullPath = `${parent}/${name}`;
  if (typeof node === 'string') {
    return { name, fullPath, isFile: true, isDirectory: false, file: (done: (f: File) => void) => done(new File([node], name)) } as unknown as FileSystemEntry;
  }
  const children = Object.entries(node).map(([n, child]) => entry(n, child, fullPath, batch));
  return {
    name,
    fullPath,
    isFile: false,
    isDirectory: true,
    createReader: () => {
      let at = 0;
      // Answers in batches, as Chromium does (100 at a time), and then an empty one.
      return { readEntries: (done: (e: FileSystemEntry[]) => void) => done(children.slice(at, (at += batch))) };
    },
  } as unknown as FileSystemEntry;
}

const root = (tree: Tree, batch = 100): FileSystemDirectoryEntry => entry('wf-tiny', tree, '', batch) as FileSystemDirectoryEntry;

describe('readDroppedFolder', () => {
  it.each<[string, Tree, number, string[]]>([
    ['the hub layout', { 'config.json': '{}', 'tokenizer.json': '{}', onnx: { 'model.onnx': 'x', 'model_q4.onnx': 'y' } }, 100, ['wf-tiny/config.json', 'wf-tiny/tokenizer.json', 'wf-tiny/onnx/model.onnx', 'wf-tiny/onnx/model_q4.onnx']],
    ['read past the first batch', { a: '1', b: '2', c: '3', d: { e: '4' } }, 2, ['wf-tiny/a', 'wf-tiny/b', 'wf-tiny/c', 'wf-tiny/d/e']],
    ['hidden files and folders left out', { '.git': { HEAD: 'ref' }, '.DS_Store': '', 'config.json': '{}' }, 100, ['wf-tiny/config.json']],
    ['an empty folder', {}, 100, []],
  ])('%s', async (_, tree, batch, paths) => {
    const found = await readDroppedFolder(root(tree, batch));
    expect(found.map((f) => f.relativePath)).toEqual(paths);
  });

  it('keeps each file’s bytes', async () => {
    const [config] = await readDroppedFolder(root({ 'config.json': '{"model_type":"llama"}' }));
    expect(await config!.file.text()).toBe('{"model_type":"llama"}');
  });

  it('stops on a folder far bigger than a model folder', async () => {
    const many: Tree = Object.fromEntries(Array.from({ length: MAX_FOLDER_FILES + 1 }, (_, i) => [`f${i}`, '']));
    await expect(readDroppedFolder(root(many))).rejects.toThrow('it holds more than 2,000 files, and a model folder holds a handful');
  });
});
