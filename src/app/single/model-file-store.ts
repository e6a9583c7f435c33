/**
 * The model files the user opened this session (the Run view's "Open a model file…" control and its
 * drop zone): each is checked from its header's bytes and against the device's budget before it is
 * offered, and is held as the File itself, which the engine's worker reads when it loads (Blobs
 * cross to a worker without a copy). Nothing is stored unless the user ticks "Keep on this device"
 * (kept-model-files.ts: a file whole, a folder's JSON files and the build it runs); otherwise a reload
 * forgets them.
 */
import { computed, signal } from '@preact/signals';
import { checkGgufBlob } from '../../models/gguf-file.ts';
import type { ModelChoice } from '../../models/model-choices.ts';
import type { LoadOptions } from '../../workers/engine.ts';
import type { BudgetLimits } from '../../tiers/index.ts';
import { judgeModelFile, keepFailure, keepRefusal, perModelBudgetBytes, type OpenedModelFile } from './model-file.ts';
import {
  FOLDER_ONNX_FILES,
  ONNX_HEAD_BYTES,
  REQUIRED_FOLDER_FILES,
  folderBuildBytes,
  folderBuildFor,
  folderDtypeOptions,
  folderDtypes,
  judgeOnnxFolder,
  keptFolderFiles,
  modelFolderLabel,
  splitFolderPaths,
  type FolderBuild,
  type OpenedModelFolder,
} from '../../models/onnx-folder.ts';
import type { DtypePreference, OnnxDtype } from '../../models/catalog.ts';
import type { DtypeOption } from '../../models/bundled-builds.ts';
import { EngineError, nameAndMessage } from '../../workers/errors.ts';
import { isModelFileId } from '../../models/model-files.ts';
import { canKeepModelFiles, forgetModelFile, keepModelFile, keepModelFolder, listKeptModelFiles, type KeptModels } from '../offline/kept-model-files.ts';
import type { KeptModelFile } from '../offline/kept-entry.ts';

/**
 * SHA-256 of the header's bytes (metadata, vocabulary, tensor table), in hex. Not of the whole file:
 * that would read every byte of a model of up to 2 GiB on the page before it is even chosen, and
 * WebCrypto hashes one buffer whole. The header already differs between models, builds and
 * quantizations; with the file size in the id beside it, two files share an id only when they have
 * the same size, metadata and tensor layout and differ in weight values alone.
 */
async function headerFingerprint(file: Blob, headerBytes: number): Promise<string> {
  return sha256Hex(await file.slice(0, headerBytes).arrayBuffer());
}

async function sha256Hex(bytes: BufferSource): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** How much of each ONNX file a folder's fingerprint reads: enough to hold its graph's first nodes and names. */
const FOLDER_FINGERPRINT_ONNX_BYTES = 64 * 1024;
/** config.json beyond this is no configuration: it is read only this far, and then fails to parse. */
const CONFIG_READ_LIMIT = 1024 * 1024;

/**
 * A folder's fingerprint: SHA-256 of its JSON files (configuration and tokenizer) and, for each ONNX
 * build, its path, size and first 64 KiB. Like a file's header fingerprint, it reads a bounded amount
 * on the page, whatever the size of the weights.
 */
async function folderFingerprint(files: ReadonlyMap<string, File>, dtypes: readonly OnnxDtype[]): Promise<string> {
  const parts: BlobPart[] = [];
  for (const path of REQUIRED_FOLDER_FILES) parts.push(path, '\n', files.get(path)!);
  for (const dtype of dtypes) {
    const onnx = files.get(FOLDER_ONNX_FILES[dtype])!;
    parts.push(`\n${FOLDER_ONNX_FILES[dtype]} ${onnx.size}\n`, onnx.slice(0, FOLDER_FINGERPRINT_ONNX_BYTES));
  }
  return sha256Hex(await new Blob(parts).arrayBuffer());
}

/** A file of a folder as the browser gave it: its path from the folder's own name down (`wf-tiny/onnx/model.onnx`). */
export interface FolderEntry {
  relativePath: string;
  file: File;
}

interface OpenedFile extends Omit<KeptModelFile, 'folder'> {
  /** A GGUF file: the File itself. */
  file?: Blob;
  /** An ONNX model folder: its files by path below it, and the builds it may run here (the first is Auto's). */
  folder?: { files: Readonly<Record<string, Blob>>; builds: FolderBuild[] };
  /** "Keep on this device" is ticked (the copy may still be under way). */
  kept: boolean;
  /** What this device's storage holds of it, once the copy is whole (null: nothing): the Storage view lists it. */
  stored: KeptModelFile | null;
  /** Offered only because it was kept: its Files are the store's, so deleting them there stops offering it. */
  fromStore: boolean;
}

/** The fields a kept entry's description shares with the opened model. */
function about({ id, name, label, quantization, key, bytes }: Omit<KeptModelFile, 'folder'>): Omit<KeptModelFile, 'folder'> {
  return { id, name, label, quantization, key, bytes };
}

/** What keeping an opened model stores: a file whole; a folder's JSON files and its build `dtype` (keptFolderFiles), labelled by what is kept. */
function keptDescription(opened: OpenedFile, dtype?: OnnxDtype): KeptModelFile {
  if (!opened.folder || !dtype) return about(opened);
  const files = keptFolderFiles(
    Object.entries(opened.folder.files).map(([path, blob]) => ({ path, bytes: blob.size })),
    dtype,
  );
  const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
  return { ...about(opened), quantization: dtype, label: modelFolderLabel(opened.name, bytes, [dtype]), bytes, folder: { dtype, files } };
}

/** The model hint for a folder that `run`s this build: where its bytes are read from, and what is kept of it. */
function folderHint(m: OpenedFile, run: OnnxDtype): string {
  if (!m.kept) {
    return `Your folder, opened from disk for this session: transformers.js runs its ${run} build on this device from the files themselves, with nothing downloaded, uploaded or stored. Open it again after a reload, or tick "Keep on this device".`;
  }
  const keptBuild = m.stored?.folder ? ` (its ${m.stored.folder.dtype} build)` : '';
  const from = m.fromStore ? 'the files stored here' : 'the files you opened';
  return `Your folder, kept on this device${keptBuild}: transformers.js runs its ${run} build from ${from}, with nothing downloaded. Untick "Keep on this device" to remove it.`;
}

export class ModelFileStore implements KeptModels {
  readonly opened = signal<OpenedFile[]>([]);
  /** Why the last file opened (or kept) was refused, with its numbers (null: none was, or a later one was taken). */
  readonly refusal = signal<string | null>(null);
  readonly checking = signal(false);
  /** A file is being copied into (or removed from) this device's storage. */
  readonly keeping = signal(false);
  /** What this device's storage holds, for the Storage view. */
  readonly stored = computed((): KeptModelFile[] => this.opened.value.flatMap((m) => (m.stored ? [m.stored] : [])));

  readonly choices = computed((): ModelChoice[] =>
    this.opened.value.map((m) => ({
      id: m.id,
      availability: 'file',
      optionLabel: m.label,
      hint: !m.file && !m.folder
        ? 'Removed from this device: open it from disk again to run it.'
        : m.folder
        ? folderHint(m, this.folderRuns(m.folder))
        : m.kept
        ? 'Your file, kept on this device: llama.cpp (wllama) runs it on the CPU, with nothing downloaded. Untick "Keep on this device" to remove it.'
        : 'Your file, opened from disk for this session: llama.cpp (wllama) runs it on the CPU from the file itself, with nothing downloaded or stored. Open it again after a reload, or tick "Keep on this device".',
    })),
  );

  /**
   * `dtypePreference`: the Precision select's choice, which a folder's load and its keeping follow where
   * the folder may run that build (a signal's value, so the hints follow it too).
   */
  constructor(
    private readonly budget: () => BudgetLimits | null,
    private readonly dtypePreference: () => DtypePreference,
  ) {}

  /** The build a folder runs now, and would keep: the Precision select's where it may run it here, else Auto's. */
  private folderRuns(folder: NonNullable<OpenedFile['folder']>): OnnxDtype {
    return folderBuildFor(folder.builds, this.dtypePreference()).dtype;
  }

  /** The Precision select's options for an opened folder (its builds that fit here); null for anything else. */
  dtypeOptionsFor(modelId: string): DtypeOption[] | null {
    const folder = this.opened.value.find((m) => m.id === modelId)?.folder;
    return folder ? folderDtypeOptions(folder.builds) : null;
  }

  /** Answers the model it became, or null when refused (`refusal` says why). */
  async open(file: File): Promise<OpenedModelFile | null> {
    this.checking.value = true;
    try {
      const check = await checkGgufBlob(file, file.name);
      const sha256Hex = check.ok ? await headerFingerprint(file, check.header.dataOffset) : '';
      const verdict = judgeModelFile({ name: file.name, bytes: file.size, check, sha256Hex, budget: this.budget() });
      if (!verdict.ok) {
        this.refusal.value = verdict.message;
        return null;
      }
      this.refusal.value = null;
      const { model } = verdict;
      const before = this.opened.peek().find((m) => m.id === model.id);
      const key = `${sha256Hex.slice(0, 32)}-${file.size}`;
      const opened: OpenedFile = { ...model, key, bytes: file.size, file, kept: before?.kept ?? false, stored: before?.stored ?? null, fromStore: false };
      this.opened.value = [opened, ...this.opened.value.filter((m) => m.id !== model.id)];
      return model;
    } catch (error) {
      this.refusal.value = `Not opened: ${file.name} could not be read (${error instanceof Error ? error.message : String(error)}).`;
      return null;
    } finally {
      this.checking.value = false;
    }
  }

  /**
   * An ONNX model folder: checked from its file list, config.json and the first bytes of each ONNX file,
   * and against the device's budget, before anything is read whole. Answers the model it became, or
   * null when refused (`refusal` says why, naming the file).
   */
  async openFolder(read: readonly FolderEntry[] | Promise<readonly FolderEntry[]>): Promise<OpenedModelFolder | null> {
    this.checking.value = true;
    let name = '';
    try {
      const entries = await read;
      const split = splitFolderPaths(entries.map((e) => e.relativePath));
      name = split.name;
      const { paths } = split;
      const files = new Map<string, File>();
      paths.forEach((path, i) => path !== null && files.set(path, entries[i]!.file));
      const list = [...files].map(([path, file]) => ({ path, bytes: file.size }));
      const config = files.get('config.json');
      const configText = config ? await config.slice(0, CONFIG_READ_LIMIT).text() : null;
      const dtypes = folderDtypes(list);
      const onnxHeads: Record<string, Uint8Array> = {};
      for (const dtype of dtypes) {
        const path = FOLDER_ONNX_FILES[dtype];
        onnxHeads[path] = new Uint8Array(await files.get(path)!.slice(0, ONNX_HEAD_BYTES).arrayBuffer());
      }
      const complete = REQUIRED_FOLDER_FILES.every((path) => files.has(path)) && dtypes.length > 0;
      const sha256Hex = complete ? await folderFingerprint(files, dtypes) : '';
      const budget = this.budget();
      const verdict = judgeOnnxFolder({ name: name || 'the folder', files: list, configText, onnxHeads, sha256Hex, budgetBytes: budget ? perModelBudgetBytes(budget) : null });
      if (!verdict.ok) {
        this.refusal.value = verdict.message;
        return null;
      }
      this.refusal.value = null;
      const { model } = verdict;
      const before = this.opened.peek().find((m) => m.id === model.id);
      const opened: OpenedFile = {
        id: model.id,
        name: model.name,
        label: model.label,
        quantization: model.dtype,
        key: `${sha256Hex.slice(0, 32)}-${model.bytes}`,
        bytes: model.bytes,
        folder: { files: Object.fromEntries(files), builds: model.builds },
        kept: before?.kept ?? false,
        stored: before?.stored ?? null,
        fromStore: false,
      };
      this.opened.value = [opened, ...this.opened.value.filter((m) => m.id !== model.id)];
      return model;
    } catch (error) {
      this.refusal.value = `Not opened: the folder ${name || 'dropped'} could not be read (${error instanceof Error ? error.message : String(error)}).`;
      return null;
    } finally {
      this.checking.value = false;
    }
  }

  /** The keep box's words: for a folder, which build it keeps (the one it would run now) or keeps already. */
  keepLabel(modelId: string): string {
    const m = this.opened.value.find((o) => o.id === modelId);
    if (!m?.folder) return 'Keep on this device';
    const dtype = m.stored?.folder?.dtype ?? this.folderRuns(m.folder);
    return `Keep on this device (its ${dtype} build)`;
  }

  isKept(modelId: string): boolean {
    return this.opened.value.find((m) => m.id === modelId)?.kept ?? false;
  }

  /** Whether its bytes are still here to keep or load (not so once a model offered only from the store is removed from it). */
  hasBytes(modelId: string): boolean {
    const opened = this.opened.value.find((m) => m.id === modelId);
    return Boolean(opened?.file ?? opened?.folder);
  }

  /** Offers the files and folders kept on this device (at start). */
  async restore(): Promise<void> {
    const found = await listKeptModelFiles().catch(() => []);
    const known = new Set(this.opened.peek().map((m) => m.id));
    const added = found
      .filter(({ kept }) => !known.has(kept.id))
      .map((entry): OpenedFile => {
        const restored = { ...about(entry.kept), kept: true, stored: entry.kept, fromStore: true };
        if ('file' in entry) return { ...restored, file: entry.file };
        // What is kept of a folder is one build.
        const { dtype, files } = entry.kept.folder;
        return { ...restored, folder: { files: entry.files, builds: [{ dtype, bytes: folderBuildBytes(files, dtype) }] } };
      });
    if (added.length > 0) this.opened.value = [...this.opened.peek(), ...added];
  }

  private update(modelId: string, change: Partial<OpenedFile>): void {
    this.opened.value = this.opened.peek().map((m) => (m.id === modelId ? { ...m, ...change } : m));
  }

  /**
   * "Keep on this device" for an opened file or folder: copies it into this device's storage, or removes
   * it. The box shows the choice at once (a large copy takes a while) and goes back if it fails.
   */
  async setKept(modelId: string, keep: boolean): Promise<void> {
    const opened = this.opened.peek().find((m) => m.id === modelId);
    if (!opened || opened.kept === keep || !(opened.file ?? opened.folder)) return;
    this.update(modelId, { kept: keep });
    this.keeping.value = true;
    try {
      if (keep) {
        await this.copyIn(opened);
      } else {
        await forgetModelFile(opened.key);
        // Offered only from the store, its Files went with it: nothing is left to load (loadOptionsFor says so).
        this.update(modelId, opened.fromStore ? { stored: null, file: undefined, folder: undefined } : { stored: null });
        this.refusal.value = null;
      }
    } catch (error) {
      this.update(modelId, { kept: !keep });
      this.refusal.value = `Not removed: ${nameAndMessage(error).message || String(error)}.`;
    } finally {
      this.keeping.value = false;
    }
  }

  /** The copy for "Keep on this device": refused before it starts when the estimate has no room; a failure part way removes what was copied. */
  private async copyIn(opened: OpenedFile): Promise<void> {
    const kept = keptDescription(opened, opened.folder && this.folderRuns(opened.folder));
    const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
    const room = estimate?.usage !== undefined && estimate.quota !== undefined ? { usage: estimate.usage, quota: estimate.quota } : null;
    const refused = keepRefusal(opened.name, kept.bytes, canKeepModelFiles(), room);
    if (refused) {
      this.update(opened.id, { kept: false });
      this.refusal.value = refused;
      return;
    }
    try {
      if (kept.folder && opened.folder) await keepModelFolder({ ...kept, folder: kept.folder }, opened.folder.files);
      else if (opened.file) await keepModelFile(kept, opened.file);
    } catch (error) {
      const removed = await forgetModelFile(kept.key).then(
        () => true,
        () => false,
      );
      this.update(opened.id, { kept: false });
      this.refusal.value = keepFailure(opened.name, kept.bytes, nameAndMessage(error), removed);
      return;
    }
    this.update(opened.id, { stored: kept });
    this.refusal.value = null;
  }

  /** The Storage view's Delete: removes what is stored; a model offered only because it was kept is offered no more. */
  async forget(modelId: string): Promise<void> {
    const opened = this.opened.peek().find((m) => m.id === modelId);
    if (!opened?.stored) return;
    await forgetModelFile(opened.key);
    if (opened.fromStore) this.opened.value = this.opened.peek().filter((m) => m.id !== modelId);
    else this.update(modelId, { kept: false, stored: null });
  }

  /**
   * A folder's load names its build: the Precision select's where the folder may run it here, else Auto's
   * pick, made against the budget when it was opened. A file id
   * with no bytes here (its kept copy deleted in the Storage view while it was chosen, or unticked when it
   * was offered only from the store) has nothing to load.
   */
  loadOptionsFor(modelId: string): Pick<LoadOptions, 'file' | 'folder' | 'dtype'> {
    const opened = this.opened.peek().find((m) => m.id === modelId);
    if (opened?.folder) return { folder: opened.folder.files, dtype: this.folderRuns(opened.folder) };
    if (opened?.file) return { file: opened.file };
    if (isModelFileId(modelId)) throw new EngineError('model-missing', `${modelId} is no longer on this device: open it from disk again, or choose another model.`);
    return {};
  }
}
