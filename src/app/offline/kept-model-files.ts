/**
 * Model files and folders the user asked to keep on this device: each is copied into the origin private
 * file system (OPFS), beside a small JSON of what the model select shows for it, so it is offered again
 * after a reload without opening it again. A GGUF file is `<key>.gguf`; an ONNX model folder is a
 * directory `<key>/` holding the files it runs at their paths below it (kept-entry.ts, keptFolderFiles).
 * Only what the user ticks "Keep on this device" for is stored; unticking or the Storage view's Delete
 * removes it, and "Delete all data" removes the whole folder.
 */
import type { ReadonlySignal } from '@preact/signals';
import { keptFolderWhole, parseKeptDescription, type KeptFolder, type KeptModelFile } from './kept-entry.ts';

const FOLDER = 'wirthforge-model-files';

/** What the Storage view lists of the kept files and folders, and its Delete (ModelFileStore, which offers them). */
export interface KeptModels {
  readonly stored: ReadonlySignal<readonly KeptModelFile[]>;
  /** Removes it from this device; a model offered only because it was kept is no longer offered. */
  forget(modelId: string): Promise<void>;
}

async function folder(create: boolean): Promise<FileSystemDirectoryHandle | null> {
  if (typeof navigator.storage?.getDirectory !== 'function') return null;
  const root = await navigator.storage.getDirectory();
  try {
    return await root.getDirectoryHandle(FOLDER, { create });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotFoundError') return null;
    throw error;
  }
}

export function canKeepModelFiles(): boolean {
  return typeof navigator.storage?.getDirectory === 'function' && typeof FileSystemFileHandle !== 'undefined' && 'createWritable' in FileSystemFileHandle.prototype;
}

async function writeFile(dir: FileSystemDirectoryHandle, name: string, data: Blob | string): Promise<void> {
  const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
  if (typeof data === 'string') {
    await writable.write(data);
    await writable.close();
  } else {
    // pipeTo closes the file when the stream ends and aborts it (its bytes never land) when a write fails.
    await data.stream().pipeTo(writable);
  }
}

/** Copies the file in, then its description: an entry without a description is never offered. */
export async function keepModelFile(kept: KeptModelFile, file: Blob): Promise<void> {
  const dir = await folder(true);
  if (!dir) throw new Error('this browser offers no private file system to this page');
  await writeFile(dir, `${kept.key}.gguf`, file);
  await writeFile(dir, `${kept.key}.json`, JSON.stringify(kept));
}

/** The directory a path below a kept folder lies in, made on the way when `create`. */
async function parentOf(root: FileSystemDirectoryHandle, path: string, create: boolean): Promise<{ dir: FileSystemDirectoryHandle; name: string }> {
  const parts = path.split('/');
  let dir = root;
  for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create });
  return { dir, name: parts.at(-1)! };
}

/** Copies a folder's kept files in at their paths, then its description (written last, as for a file). */
export async function keepModelFolder(kept: KeptModelFile & { folder: KeptFolder }, files: Readonly<Record<string, Blob>>): Promise<void> {
  const dir = await folder(true);
  if (!dir) throw new Error('this browser offers no private file system to this page');
  const root = await dir.getDirectoryHandle(kept.key, { create: true });
  for (const { path } of kept.folder.files) {
    const file = files[path];
    if (!file) throw new Error(`${path} is no longer in the folder`);
    const { dir: parent, name } = await parentOf(root, path, true);
    await writeFile(parent, name, file);
  }
  await writeFile(dir, `${kept.key}.json`, JSON.stringify(kept));
}

/** Removes everything under `key`: its description first (so a removal cut short leaves nothing offered), then its bytes. */
export async function forgetModelFile(key: string): Promise<void> {
  const dir = await folder(false);
  if (!dir) return;
  // Only one of the .gguf file and the folder exists; a missing entry is what removing it wants.
  const ignoreMissing = (error: unknown): void => {
    if (!(error instanceof DOMException && error.name === 'NotFoundError')) throw error;
  };
  for (const name of [`${key}.json`, `${key}.gguf`]) await dir.removeEntry(name).catch(ignoreMissing);
  await dir.removeEntry(key, { recursive: true }).catch(ignoreMissing);
}

/** A kept folder's files as the store holds them, or null when one is missing or not at its size. */
async function readKeptFolder(dir: FileSystemDirectoryHandle, key: string, kept: KeptFolder): Promise<Record<string, File> | null> {
  const root = await dir.getDirectoryHandle(key);
  const files: Record<string, File> = {};
  for (const { path } of kept.files) {
    try {
      const { dir: parent, name } = await parentOf(root, path, false);
      files[path] = await (await parent.getFileHandle(name)).getFile();
    } catch {
      return null;
    }
  }
  return keptFolderWhole(kept, new Map(Object.entries(files).map(([path, file]) => [path, file.size]))) ? files : null;
}

export type KeptEntry = { kept: KeptModelFile; file: File } | { kept: KeptModelFile & { folder: KeptFolder }; files: Record<string, File> };

/** The kept files and folders whose bytes are all there, as their descriptions say (one that is not is left out and removed). */
export async function listKeptModelFiles(): Promise<KeptEntry[]> {
  const dir = await folder(false);
  if (!dir) return [];
  const found: KeptEntry[] = [];
  // The folder's async iterator is in TypeScript's DOM.AsyncIterable lib, which this project does not include.
  const names = (dir as unknown as { keys(): AsyncIterable<string> }).keys();
  const descriptions: string[] = [];
  for await (const name of names) if (name.endsWith('.json')) descriptions.push(name);
  for (const name of descriptions) {
    const key = name.slice(0, -'.json'.length);
    try {
      const kept = parseKeptDescription(await (await (await dir.getFileHandle(name)).getFile()).text(), key);
      if (kept?.folder) {
        const files = await readKeptFolder(dir, key, kept.folder);
        if (files) {
          found.push({ kept: { ...kept, folder: kept.folder }, files });
          continue;
        }
      } else if (kept) {
        const file = await (await dir.getFileHandle(`${key}.gguf`)).getFile();
        if (file.size === kept.bytes) {
          found.push({ kept, file });
          continue;
        }
      }
      await forgetModelFile(key);
    } catch {
      await forgetModelFile(key).catch(() => undefined);
    }
  }
  return found;
}

/** "Delete all data": every kept file and folder. */
export async function forgetAllModelFiles(): Promise<void> {
  if (typeof navigator.storage?.getDirectory !== 'function') return;
  await (await navigator.storage.getDirectory()).removeEntry(FOLDER, { recursive: true }).catch(() => undefined);
}
