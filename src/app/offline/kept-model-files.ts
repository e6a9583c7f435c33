/**
 * Model files the user asked to keep on this device: each is copied into the origin private file
 * system (OPFS), beside a small JSON of what the model select shows for it, so it is offered again
 * after a reload without opening it again. Only what the user ticks "Keep on this device" for is
 * stored; unticking removes it, and the Storage view's "Delete all data" removes the folder.
 */
const FOLDER = 'wirthforge-model-files';

/** What is kept: the model as the select shows it, and where its bytes are. */
export interface KeptModelFile {
  /** The run records' model id, the user's file name (text only), the select's label. */
  id: string;
  name: string;
  label: string;
  quantization: string | null;
  /** The entry's name in the folder (its fingerprint and size, never the user's file name). */
  key: string;
  bytes: number;
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

/** Copies the file in, then its description: an entry without a description is never offered. */
export async function keepModelFile(kept: KeptModelFile, file: Blob): Promise<void> {
  const dir = await folder(true);
  if (!dir) throw new Error('this browser offers no private file system to this page');
  const data = await (await dir.getFileHandle(`${kept.key}.gguf`, { create: true })).createWritable();
  await file.stream().pipeTo(data);
  const about = await (await dir.getFileHandle(`${kept.key}.json`, { create: true })).createWritable();
  await about.write(JSON.stringify(kept));
  await about.close();
}

export async function forgetModelFile(key: string): Promise<void> {
  const dir = await folder(false);
  if (!dir) return;
  for (const name of [`${key}.json`, `${key}.gguf`]) await dir.removeEntry(name).catch(() => undefined);
}

function isKept(value: unknown): value is KeptModelFile {
  const v = value as Partial<KeptModelFile> | null;
  return typeof v?.key === 'string' && typeof v.id === 'string' && typeof v.name === 'string' && typeof v.label === 'string' && typeof v.bytes === 'number' && (v.quantization === null || typeof v.quantization === 'string');
}

/** The kept files whose bytes are all there (a copy cut short by a closed tab is left out and removed). */
export async function listKeptModelFiles(): Promise<Array<{ kept: KeptModelFile; file: File }>> {
  const dir = await folder(false);
  if (!dir) return [];
  const found: Array<{ kept: KeptModelFile; file: File }> = [];
  // The folder's async iterator is in TypeScript's DOM.AsyncIterable lib, which this project does not include.
  const names = (dir as unknown as { keys(): AsyncIterable<string> }).keys();
  for await (const name of names) {
    if (!name.endsWith('.json')) continue;
    const key = name.slice(0, -'.json'.length);
    try {
      const kept: unknown = JSON.parse(await (await (await dir.getFileHandle(name)).getFile()).text());
      const file = await (await dir.getFileHandle(`${key}.gguf`)).getFile();
      if (isKept(kept) && kept.key === key && file.size === kept.bytes) found.push({ kept, file });
      else await forgetModelFile(key);
    } catch {
      await forgetModelFile(key);
    }
  }
  return found;
}

/** "Delete all data": every kept file. */
export async function forgetAllModelFiles(): Promise<void> {
  if (typeof navigator.storage?.getDirectory !== 'function') return;
  await (await navigator.storage.getDirectory()).removeEntry(FOLDER, { recursive: true }).catch(() => undefined);
}
