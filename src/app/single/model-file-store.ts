/**
 * The model files the user opened this session (the Run view's "Open a model file…" control and its
 * drop zone): each is checked from its header's bytes and against the device's budget before it is
 * offered, and is kept as the File itself, which the engine's worker reads when it loads (Blobs
 * cross to a worker without a copy). Nothing is stored: a reload forgets them.
 */
import { computed, signal } from '@preact/signals';
import { checkGgufBlob } from '../../models/gguf-file.ts';
import type { ModelChoice } from '../../models/model-choices.ts';
import type { LoadOptions } from '../../workers/engine.ts';
import type { BudgetLimits } from '../../tiers/index.ts';
import { judgeModelFile, type OpenedModelFile } from './model-file.ts';

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

interface OpenedFile extends OpenedModelFile {
  file: Blob;
}

export class ModelFileStore {
  readonly opened = signal<OpenedFile[]>([]);
  /** Why the last file opened was refused, with its numbers (null: none was, or a later one was taken). */
  readonly refusal = signal<string | null>(null);
  readonly checking = signal(false);

  readonly choices = computed((): ModelChoice[] =>
    this.opened.value.map((m) => ({
      id: m.id,
      availability: 'file',
      optionLabel: m.label,
      hint: `Your file, opened from disk for this session: llama.cpp (wllama) runs it on the CPU from the file itself, with nothing downloaded or stored. Open it again after a reload.`,
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
      this.opened.value = [{ ...model, file }, ...this.opened.value.filter((m) => m.id !== model.id)];
      return model;
    } catch (error) {
      this.refusal.value = `Not opened: ${file.name} could not be read (${error instanceof Error ? error.message : String(error)}).`;
      return null;
    } finally {
      this.checking.value = false;
    }
  }

  loadOptionsFor(modelId: string): Pick<LoadOptions, 'file'> {
    const opened = this.opened.peek().find((m) => m.id === modelId);
    return opened ? { file: opened.file } : {};
  }
}
