/**
 * A folder dropped on the model panel, read through the browser's entry API (a directory input lists
 * its files itself): every file below it, with its path from the folder's own name down, as a
 * directory input's webkitRelativePath gives it. Hidden folders (`.git`) are not walked into.
 */
import type { FolderEntry } from './model-file-store.ts';

/** A model folder holds a handful of files; a drop of something far bigger (a home folder) is stopped early. */
export const MAX_FOLDER_FILES = 2000;

function entriesOf(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

export async function readDroppedFolder(root: FileSystemDirectoryEntry): Promise<FolderEntry[]> {
  const found: FolderEntry[] = [];
  const walk = async (dir: FileSystemDirectoryEntry): Promise<void> => {
    const reader = dir.createReader();
    // readEntries answers in batches (100 at a time in Chromium) until one comes back empty.
    for (let batch = await entriesOf(reader); batch.length > 0; batch = await entriesOf(reader)) {
      for (const entry of batch) {
        if (entry.name.startsWith('.')) continue;
        if (entry.isDirectory) await walk(entry as FileSystemDirectoryEntry);
        else found.push({ relativePath: entry.fullPath.replace(/^\/+/, ''), file: await fileOf(entry as FileSystemFileEntry) });
        if (found.length > MAX_FOLDER_FILES) throw new Error(`it holds more than ${MAX_FOLDER_FILES.toLocaleString('en-US')} files, and a model folder holds a handful`);
      }
    }
  };
  await walk(root);
  return found;
}
