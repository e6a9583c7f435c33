/**
 * What a kept model file or folder is, as its description in the store says (see kept-model-files.ts),
 * and whether what the store holds for it is whole. Pure: the store reads the text and the sizes.
 */
import { ONNX_DTYPES, type OnnxDtype } from '../../models/catalog.ts';
import type { FolderFile } from '../../models/onnx-folder.ts';

/** A kept ONNX model folder: the build it runs, and each file kept with its path below the folder. */
export interface KeptFolder {
  dtype: OnnxDtype;
  files: FolderFile[];
}

/** What is kept: the model as the select shows it, and where its bytes are. */
export interface KeptModelFile {
  /** The run records' model id, the user's file or folder name (text only), the select's label. */
  id: string;
  name: string;
  label: string;
  quantization: string | null;
  /** The entry's name in the store (its fingerprint and size, never the user's file name). */
  key: string;
  /** What is stored: the file's size, or the sum of the kept files of a folder. */
  bytes: number;
  /** A folder (its files are under a directory named `key`); absent for a GGUF file (`<key>.gguf`). */
  folder?: KeptFolder;
}

/**
 * A path below a kept folder that the store can hold as it is: parts that are names (not empty, `.` or
 * `..`, no backslash). The description is the app's own, but a store is disk a user can reach.
 */
export function isStorablePath(path: string): boolean {
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..' && !part.includes('\\'));
}

function isFolderFile(value: unknown): value is FolderFile {
  const v = value as Partial<FolderFile> | null;
  return typeof v?.path === 'string' && isStorablePath(v.path) && typeof v.bytes === 'number' && Number.isInteger(v.bytes) && v.bytes >= 0;
}

function isKeptFolder(value: unknown): value is KeptFolder {
  const v = value as Partial<KeptFolder> | null;
  return (
    (ONNX_DTYPES as readonly unknown[]).includes(v?.dtype) &&
    Array.isArray(v?.files) &&
    v.files.length > 0 &&
    v.files.every(isFolderFile) &&
    new Set(v.files.map((f) => f.path)).size === v.files.length
  );
}

/** The description stored as `<key>.json`, or null when it is not one (damaged, or written by something else). */
export function parseKeptDescription(text: string, key: string): KeptModelFile | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const v = value as Partial<KeptModelFile> | null;
  const fields =
    v?.key === key &&
    typeof v.id === 'string' &&
    typeof v.name === 'string' &&
    typeof v.label === 'string' &&
    typeof v.bytes === 'number' &&
    (v.quantization === null || typeof v.quantization === 'string');
  if (!fields) return null;
  if (v.folder === undefined) return v as KeptModelFile;
  if (!isKeptFolder(v.folder) || v.folder.files.reduce((sum, f) => sum + f.bytes, 0) !== v.bytes) return null;
  return v as KeptModelFile;
}

/**
 * Whether the store holds all of a kept folder: every file it describes, at its size. A copy cut short
 * (a closed tab, a full disk) lacks a file or has one shorter than described.
 */
export function keptFolderWhole(folder: KeptFolder, storedBytes: ReadonlyMap<string, number>): boolean {
  return folder.files.every((f) => storedBytes.get(f.path) === f.bytes);
}
