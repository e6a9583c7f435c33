/**
 * Whether a model file the user opened becomes a model of this session: the header check's verdict
 * (not GGUF, truncated, damaged, a quantization llama.cpp lacks, over wllama's 2 GiB per file), then
 * the same footprint the wllama engine reports (file + KV cache + runtime overhead, wllama-policy)
 * against this device's memory budget for one model. Pure: decided before anything is allocated
 * for the model or anything loaded is touched.
 */
import type { GgufCheck } from '../../models/gguf-header.ts';
import { formatBytes } from '../../lib/format.ts';
import { dominantQuantization, modelFileId, modelFileLabel } from '../../models/model-files.ts';
import type { BudgetLimits } from '../../tiers/index.ts';
import { ggufBudgetRefusal } from '../../workers/wllama-policy.ts';

export interface ModelFileFacts {
  name: string;
  bytes: number;
  check: Exclude<GgufCheck, { problem: 'need-more' }>;
  /** SHA-256 of the header's bytes, in hex. */
  sha256Hex: string;
  /** null: the device's budget is not known yet; the engine's own errors stand then. */
  budget: BudgetLimits | null;
}

export interface OpenedModelFile {
  id: string;
  /** The file's own name, as the user's system gave it (untrusted: shown as text only). */
  name: string;
  label: string;
  quantization: string | null;
}

export type ModelFileVerdict = { ok: true; model: OpenedModelFile } | { ok: false; message: string };

/** What one model may use here: the budget for all models, or the per-model cap where that is lower (WASM's heap). */
export function perModelBudgetBytes(budget: BudgetLimits): number {
  return budget.perModelMaxBytes === null ? budget.bytes : Math.min(budget.bytes, budget.perModelMaxBytes);
}

export function judgeModelFile(facts: ModelFileFacts): ModelFileVerdict {
  const { name, bytes, check, budget } = facts;
  if (!check.ok) return { ok: false, message: `Not opened: ${check.message}` };
  const tooBig = budget ? ggufBudgetRefusal(name, check.header, bytes, perModelBudgetBytes(budget)) : null;
  if (tooBig) return { ok: false, message: `Not opened: ${tooBig}` };
  const quantization = dominantQuantization(check.header);
  return { ok: true, model: { id: modelFileId(name, bytes, facts.sha256Hex), name, label: modelFileLabel(name, bytes, quantization), quantization } };
}

/** What the browser says this site may still store, or null where it does not say. */
export interface StorageRoom {
  usage: number;
  quota: number;
}

/** Whether a file can be kept on this device: null when it can, else the sentence with the numbers. */
export function keepRefusal(name: string, bytes: number, canKeep: boolean, room: StorageRoom | null): string | null {
  if (!canKeep) return `Not kept: this browser does not let a page store files (no origin private file system). ${name} stays open for this session.`;
  if (!room) return null;
  const free = Math.max(0, room.quota - room.usage);
  if (bytes <= free) return null;
  return `Not kept: ${name} is ${formatBytes(bytes)} but this site may store only ${formatBytes(free)} more on this device (${formatBytes(room.usage)} of ${formatBytes(room.quota)} used). Free space in the Storage view; the file stays open for this session.`;
}

/**
 * What the user reads when copying a file or folder into this device's storage failed part way: a full
 * disk (the browser's QuotaExceededError) is named as such. `removed` says whether what was copied
 * before the failure could be removed again (it is, unless the storage itself fails).
 */
export function keepFailure(name: string, bytes: number, error: { name: string; message: string }, removed: boolean): string {
  const why =
    error.name === 'QuotaExceededError'
      ? `the browser refused the space for ${name} (${formatBytes(bytes)}): storage is full. Free space in the Storage view or on the device, then tick again`
      : `${name} could not be stored (${error.message || error.name || 'unknown error'})`;
  const left = removed ? 'Nothing of it was stored; it stays open for this session.' : 'Part of it may remain stored until "Delete all data"; it stays open for this session.';
  return `Not kept: ${why}. ${left}`;
}
