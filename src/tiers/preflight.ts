// Checks made before loading a model, assembling a council or sending a long prompt: refuse what
// cannot fit, warn about what barely fits or will be slow, and always say the numbers and what to do.

import {
  DTYPES_BY_SIZE,
  fitsTogether,
  maxParamsWithFootprint,
  modelFootprint,
  type BudgetLimits,
  type Dtype,
  type Footprint,
  type ModelSpec,
} from './capacity';
import { formatBinaryBytes, formatBytes, formatParams, formatSeconds } from '../lib/format.ts';
import { COUNCIL_HARD_CAP, type TierProfile } from './profiles';

export type Verdict = 'ok' | 'warn' | 'refuse';

export interface PreflightResult {
  verdict: Verdict;
  /** The numbers, in words: "needs 1.1 GB, budget 0.8 GB". */
  message: string;
  /** What would work instead; null when nothing needs changing. */
  suggestion: string | null;
  neededBytes: number;
  budgetBytes: number;
}

export interface CouncilPreflight extends PreflightResult {
  members: { name: string; footprint: Footprint }[];
}

/** Above 90 % of the budget a model fits, but leaves no room for a second model or a longer context. */
export const WARN_FRACTION = 0.9;

/** Contexts shorter than this stop being useful for chat; suggestions do not go below it. */
const MIN_SUGGESTED_CONTEXT = 512;

export function preflightModel(model: ModelSpec, budget: BudgetLimits): PreflightResult {
  const need = modelFootprint(model).totalBytes;
  const base = { neededBytes: need, budgetBytes: budget.bytes };
  const label = `${model.name} (${model.dtype})`;
  const perModel = budget.perModelMaxBytes;
  if (perModel !== null && need > perModel) {
    return {
      ...base,
      verdict: 'refuse',
      message: `${label} needs ${formatBytes(need)}, but one WASM engine holds at most ${formatBinaryBytes(perModel)}.`,
      suggestion: suggestSmallerModel(model, Math.min(perModel, budget.bytes)),
    };
  }
  if (need > budget.bytes) {
    return {
      ...base,
      verdict: 'refuse',
      message: `${label} needs ${formatBytes(need, Math.max(need, budget.bytes))}, budget ${formatBytes(budget.bytes, Math.max(need, budget.bytes))}.`,
      suggestion: suggestSmallerModel(model, budget.bytes),
    };
  }
  const share = `${formatBytes(need)} of the ${formatBytes(budget.bytes)} budget (${percent(need, budget.bytes)})`;
  if (need > WARN_FRACTION * budget.bytes) {
    return {
      ...base,
      verdict: 'warn',
      message: `${label} needs ${share}: no room for another model or a longer context.`,
      suggestion: suggestSmallerModel(model, WARN_FRACTION * budget.bytes),
    };
  }
  return { ...base, verdict: 'ok', message: `${label} needs ${share}.`, suggestion: null };
}

/** Smaller dtype first (same model, same context), then a shorter context, then a smaller model. */
function suggestSmallerModel(model: ModelSpec, limitBytes: number): string {
  for (const dtype of smallerDtypes(model.dtype)) {
    const need = modelFootprint({ ...model, dtype }).totalBytes;
    if (need <= limitBytes) return `Use ${dtype}: it needs ${formatBytes(need)}.`;
  }
  for (let context = model.contextTokens / 2; context >= MIN_SUGGESTED_CONTEXT; context /= 2) {
    const need = modelFootprint({ ...model, contextTokens: Math.floor(context) }).totalBytes;
    if (need <= limitBytes) return `Use a context of ${Math.floor(context)} tokens: it needs ${formatBytes(need)}.`;
  }
  const smallest: Dtype = 'q4';
  const params = maxParamsWithFootprint(limitBytes, { ...model, dtype: smallest });
  return params > 0
    ? `Choose a smaller model: at ${smallest} with a context of ${model.contextTokens} tokens, up to about ${formatParams(params)} parameters fit.`
    : 'No model fits in this budget: close other tabs or apps and re-run detection, or use a lower tier.';
}

function smallerDtypes(dtype: Dtype): Dtype[] {
  return DTYPES_BY_SIZE.slice(DTYPES_BY_SIZE.indexOf(dtype) + 1);
}

/** The most members the user's override may run at once (what the scheduler's benchmark runs). */
export const COUNCIL_OVERRIDE_MAX = 12;

export interface CouncilOptions {
  /**
   * The user's explicit override of the council cap (the spec's "hard cap 6 without override"): this
   * many members at once on any tier, at most COUNCIL_OVERRIDE_MAX; null or absent: the tier's cap.
   * The scheduler then runs them all at once, so the memory budget is checked for all of them together.
   */
  capOverride?: number | null;
}

/** The override as the scheduler applies it: a whole number of members in 1…COUNCIL_OVERRIDE_MAX, or none. */
export function councilCapOverride(value: number | null | undefined): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return Math.min(COUNCIL_OVERRIDE_MAX, Math.max(1, Math.floor(value)));
}

export function preflightCouncil(
  models: readonly ModelSpec[],
  budget: BudgetLimits,
  profile: TierProfile,
  options: CouncilOptions = {},
): CouncilPreflight {
  const members = models.map((m) => ({ name: m.name, footprint: modelFootprint(m) }));
  const total = members.reduce((sum, m) => sum + m.footprint.totalBytes, 0);
  const result = (verdict: Verdict, message: string, suggestion: string | null, neededBytes = total): CouncilPreflight => ({
    verdict,
    message,
    suggestion,
    neededBytes,
    budgetBytes: budget.bytes,
    members,
  });
  const n = models.length;
  if (n === 0) return result('refuse', 'A council needs at least one member.', 'Add a model.');

  const override = councilCapOverride(options.capOverride);
  const hardCap = profile.council.mode === 'serial' ? COUNCIL_HARD_CAP : profile.council.stretchCap;
  const removeSome = (cap: number) => `Remove ${n - cap} member${n - cap > 1 ? 's' : ''}`;
  if (override !== null && n > override) {
    return result(
      'refuse',
      `Your override runs at most ${override} council member${override > 1 ? 's' : ''} at once; this council has ${n}.`,
      `${removeSome(override)}${override < COUNCIL_OVERRIDE_MAX ? `, or raise the override (up to ${COUNCIL_OVERRIDE_MAX})` : ''}.`,
    );
  }
  if (override === null && n > hardCap) {
    return result(
      'refuse',
      `${profile.label} tier runs at most ${hardCap} council members; this council has ${n}.`,
      `${removeSome(hardCap)}${profile.tier === 'high' ? ', or allow more members than the tier\'s cap in the settings' : ''}.`,
    );
  }

  // A member that cannot load on its own sinks the council whatever the mode.
  for (const model of models) {
    const alone = preflightModel(model, budget);
    if (alone.verdict === 'refuse') return result('refuse', alone.message, alone.suggestion);
  }

  if (n === 1) {
    const only = preflightModel(models[0]!, budget);
    return result(only.verdict, only.message, only.suggestion);
  }

  if (profile.council.mode === 'serial' && override === null) {
    // Members load one at a time, so the largest one sets the need.
    const largest = Math.max(...members.map((m) => m.footprint.totalBytes));
    return result(
      'warn',
      `${profile.label} tier runs one member at a time: the other ${n - 1} wait in the queue, and each is loaded in turn (largest ${formatBytes(largest)}, budget ${formatBytes(budget.bytes)}).`,
      'Expect each answer to take as long as all members in a row; a council of 1 answers fastest here.',
      largest,
    );
  }

  const fit = fitsTogether(
    members.map((m) => m.footprint),
    budget.bytes,
  );
  const together = `The ${n} members need ${formatBytes(total)} together`;
  if (!fit.fits) {
    return result('refuse', `${together}, budget ${formatBytes(budget.bytes, total)}.`, suggestSmallerCouncil(models, budget.bytes));
  }
  const share = `${together}, ${percent(total, budget.bytes)} of the ${formatBytes(budget.bytes)} budget`;
  const tierAtOnce = profile.council.mode === 'serial' ? profile.council.cap : profile.council.stretchCap;
  if (override !== null && n > tierAtOnce) {
    return result(
      'warn',
      `${share}. Your override runs ${n} at once, beyond the ${profile.label} tier's cap of ${tierAtOnce}: frames and latency may suffer.`,
      null,
    );
  }
  if (n > profile.council.cap) {
    return result(
      'warn',
      `${share}. ${profile.label} tier usually runs ${profile.council.cap}; ${n} are allowed because they fit, each one slower.`,
      null,
    );
  }
  if (total > WARN_FRACTION * budget.bytes) {
    return result('warn', `${share}: no room left for a longer context.`, suggestSmallerCouncil(models, WARN_FRACTION * budget.bytes));
  }
  return result('ok', `${share}.`, null);
}

/** Keep the members and shrink their dtype first; otherwise drop the largest members until the rest fit. */
function suggestSmallerCouncil(models: readonly ModelSpec[], limitBytes: number): string {
  const totalOf = (ms: readonly ModelSpec[]) => ms.reduce((sum, m) => sum + modelFootprint(m).totalBytes, 0);
  for (const dtype of DTYPES_BY_SIZE.slice(1)) {
    const shrunk = models.map((m) => (DTYPES_BY_SIZE.indexOf(m.dtype) < DTYPES_BY_SIZE.indexOf(dtype) ? { ...m, dtype } : m));
    const changed = shrunk.filter((m, i) => m.dtype !== models[i]!.dtype).map((m) => m.name);
    if (changed.length > 0 && totalOf(shrunk) <= limitBytes) {
      return `Use ${dtype} for ${changed.join(', ')}: together they need ${formatBytes(totalOf(shrunk))}.`;
    }
  }
  const bySize = [...models].sort((a, b) => modelFootprint(b).totalBytes - modelFootprint(a).totalBytes);
  const dropped: string[] = [];
  while (bySize.length > 1 && totalOf(bySize) > limitBytes) dropped.push(bySize.shift()!.name);
  return totalOf(bySize) <= limitBytes
    ? `Use fewer members: without ${dropped.join(', ')} the other ${bySize.length} need ${formatBytes(totalOf(bySize))}.`
    : 'Use a single, smaller model.';
}

/** Milliseconds. Prefill is compute-bound and roughly linear in the prompt: TTFT ≈ prompt tokens ÷ prefill rate. */
export function estimateTtft(promptTokens: number, prefillTokensPerSecond: number): number {
  if (prefillTokensPerSecond <= 0) return Number.POSITIVE_INFINITY;
  return (1000 * promptTokens) / prefillTokensPerSecond;
}

/** Warns before a prompt whose prefill alone would miss the tier's TTFT limit. */
export function preflightPrompt(promptTokens: number, prefillTokensPerSecond: number, profile: TierProfile): PreflightResult {
  const ms = estimateTtft(promptTokens, prefillTokensPerSecond);
  const limit = profile.targets.ttftMs.limit;
  const base = { neededBytes: 0, budgetBytes: 0 };
  const estimate = `This ${promptTokens.toLocaleString('en-US')}-token prompt needs about ${formatSeconds(ms)} before the first token (prefill at ${Math.round(prefillTokensPerSecond)} tok/s)`;
  if (ms <= limit) return { ...base, verdict: 'ok', message: `${estimate}.`, suggestion: null };
  const fitting = Math.floor((prefillTokensPerSecond * limit) / 1000);
  return {
    ...base,
    verdict: 'warn',
    message: `${estimate}; ${profile.label} tier aims for ${formatSeconds(limit)}.`,
    suggestion: `Shorten the prompt: about ${fitting.toLocaleString('en-US')} tokens start within ${formatSeconds(limit)}.`,
  };
}

function percent(part: number, whole: number): string {
  return `${Math.round((100 * part) / whole)} %`;
}

/** A pre-flight check's answer: `refuse` stops the load, `warn` loads with a notice (the page's load asks for one). */
export interface PreflightAnswer {
  verdict: 'ok' | 'warn' | 'refuse';
  message: string;
  suggestion: string | null;
}
