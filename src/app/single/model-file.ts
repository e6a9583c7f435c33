/**
 * Whether a model file the user opened becomes a model of this session: the header check's verdict
 * (not GGUF, truncated, damaged, a quantization llama.cpp lacks, over wllama's 2 GiB per file), then
 * the same footprint the wllama engine reports (file + KV cache + runtime overhead, wllama-policy)
 * against this device's memory budget for one model. Pure: decided before anything is allocated
 * for the model or anything loaded is touched.
 */
import type { GgufCheck } from '../../models/gguf-header.ts';
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
  return { ok: true, model: { id: modelFileId(name, bytes, facts.sha256Hex), label: modelFileLabel(name, bytes, quantization), quantization } };
}
