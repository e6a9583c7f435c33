/**
 * The model files the user opened this session (the Run view's "Open a model file…" control and its
 * drop zone): each is checked from its header's bytes and against the device's budget before it is
 * offered, and is held as the File itself, which the engine's worker reads when it loads (Blobs
 * cross to a worker without a copy). Nothing is stored unless the user ticks "Keep on this device"
 * (kept-model-files.ts); otherwise a reload forgets them.
 */
import { computed, signal } from '@preact/signals';
import { checkGgufBlob } from '../../models/gguf-file.ts';
import type { ModelChoice } from '../../models/model-choices.ts';
import type { LoadOptions } from '../../workers/engine.ts';
import type { BudgetLimits } from '../../tiers/index.ts';
import { judgeModelFile, keepRefusal, type OpenedModelFile } from './model-file.ts';
import { canKeepModelFiles, forgetModelFile, keepModelFile, listKeptModelFiles, type KeptModelFile } from '../offline/kept-model-files.ts';

/**
 * SHA-256 of the header's bytes (metadata, vocabulary, tensor table), in hex. Not of the whole file:
 * that would read every byte of a model of up to 2 GiB on the page before it is even chosen, and
 * WebCrypto hashes one buffer whole. The header already differs between models, builds and
 * quantizations; with the file size in the id beside it, two files share an id only when they have
 * the same size, metadata and tensor layout and differ in weight values alone.
 */
async function headerFingerprint(file: Blob, headerBytes: number): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.slice(0, headerBytes).arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

interface OpenedFile extends KeptModelFile {
  file: Blob;
  /** Stored on this device (offered again after a reload). */
  kept: boolean;
}

export class ModelFileStore {
  readonly opened = signal<OpenedFile[]>([]);
  /** Why the last file opened (or kept) was refused, with its numbers (null: none was, or a later one was taken). */
  readonly refusal = signal<string | null>(null);
  readonly checking = signal(false);
  /** A file is being copied into (or removed from) this device's storage. */
  readonly keeping = signal(false);

  readonly choices = computed((): ModelChoice[] =>
    this.opened.value.map((m) => ({
      id: m.id,
      availability: 'file',
      optionLabel: m.label,
      hint: m.kept
        ? 'Your file, kept on this device: llama.cpp (wllama) runs it on the CPU, with nothing downloaded. Untick "Keep on this device" to remove it.'
        : 'Your file, opened from disk for this session: llama.cpp (wllama) runs it on the CPU from the file itself, with nothing downloaded or stored. Open it again after a reload, or tick "Keep on this device".',
    })),
  );

  constructor(private readonly budget: () => BudgetLimits | null) {}

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
      const kept = this.opened.peek().find((m) => m.id === model.id)?.kept ?? false;
      const key = `${sha256Hex.slice(0, 32)}-${file.size}`;
      this.opened.value = [{ ...model, key, bytes: file.size, file, kept }, ...this.opened.value.filter((m) => m.id !== model.id)];
      return model;
    } catch (error) {
      this.refusal.value = `Not opened: ${file.name} could not be read (${error instanceof Error ? error.message : String(error)}).`;
      return null;
    } finally {
      this.checking.value = false;
    }
  }

  isKept(modelId: string): boolean {
    return this.opened.value.find((m) => m.id === modelId)?.kept ?? false;
  }

  /** Offers the files kept on this device (at start). */
  async restore(): Promise<void> {
    const found = await listKeptModelFiles().catch(() => []);
    const known = new Set(this.opened.peek().map((m) => m.id));
    const added = found.filter(({ kept }) => !known.has(kept.id)).map(({ kept, file }) => ({ ...kept, file, kept: true }));
    if (added.length > 0) this.opened.value = [...this.opened.peek(), ...added];
  }

  /**
   * "Keep on this device" for an opened file: copies it into this device's storage, or removes it.
   * The box shows the choice at once (a large copy takes a while) and goes back if it fails.
   */
  async setKept(modelId: string, keep: boolean): Promise<void> {
    const opened = this.opened.peek().find((m) => m.id === modelId);
    if (!opened || opened.kept === keep) return;
    const mark = (kept: boolean): void => void (this.opened.value = this.opened.peek().map((m) => (m.id === modelId ? { ...m, kept } : m)));
    mark(keep);
    this.keeping.value = true;
    try {
      if (keep) {
        const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
        const room = estimate?.usage !== undefined && estimate.quota !== undefined ? { usage: estimate.usage, quota: estimate.quota } : null;
        const refused = keepRefusal(opened.name, opened.bytes, canKeepModelFiles(), room);
        if (refused) {
          mark(!keep);
          this.refusal.value = refused;
          return;
        }
        const { id, name, label, quantization, key, bytes } = opened;
        await keepModelFile({ id, name, label, quantization, key, bytes }, opened.file);
      } else {
        await forgetModelFile(opened.key);
      }
      this.refusal.value = null;
    } catch (error) {
      mark(!keep);
      if (keep) await forgetModelFile(opened.key).catch(() => undefined);
      this.refusal.value = `${keep ? 'Not kept' : 'Not removed'}: ${error instanceof Error ? error.message : String(error)}.`;
    } finally {
      this.keeping.value = false;
    }
  }

  loadOptionsFor(modelId: string): Pick<LoadOptions, 'file'> {
    const opened = this.opened.peek().find((m) => m.id === modelId);
    return opened ? { file: opened.file } : {};
  }
}
