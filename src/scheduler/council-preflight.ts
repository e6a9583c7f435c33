/**
 * The Council panel's pre-flight: `preflightCouncil` (src/tiers) over the members the page is about to
 * send, against the same tier and budget the scheduler is configured with, plus the figures the panel
 * shows beside the verdict (the tier's council cap, the budget, the sum of the footprints). Pure.
 *
 * The scheduler enforces the budget itself (it admits, evicts and refuses loads); this check is the
 * page's warning in advance, with numbers, so that a council that cannot fit is not sent at all.
 */
import {
  COUNCIL_HARD_CAP,
  formatBytes,
  preflightCouncil,
  preflightModel,
  TIER_PROFILES,
  type BudgetLimits,
  type CouncilPreflight,
  type ModelSpec,
  type Tier,
  type TierProfile,
  type Verdict,
} from '../tiers/index.ts';
import { councilCapOverride } from '../tiers/index.ts';
import type { GgufHubModel, HubModel, OnnxHubModel } from '../models/catalog.ts';
import { onnxUpperSpec } from '../models/onnx-hub.ts';
import { ggufHubSpec } from '../models/gguf-hub.ts';

export interface PreflightMember {
  /** How messages name the member: "wf-tiny #2". */
  name: string;
  spec: ModelSpec;
}

export interface CouncilCheck {
  verdict: Verdict;
  message: string;
  suggestion: string | null;
  tier: Tier;
  tierLabel: string;
  /** Members that generate at once on this tier. */
  atOnce: number;
  /** Members this tier accepts in one council (the rest of a serial council waits in the queue). */
  maxMembers: number;
  /** The cap in words: "1 member at a time, up to 6 in the queue". */
  capText: string;
  budgetBytes: number;
  /** Sum of every member's footprint (weights, KV cache at full context, runtime overhead). */
  totalBytes: number;
  members: number;
  /** Members on inference servers: no memory or cores here, so outside the budget and the cap. */
  remoteMembers: number;
  /**
   * The member (its index in the list checked) that the refusal is about because it cannot load on
   * this device even alone: moving it off the device is a way out where fewer members is not.
   */
  tooBig: number | null;
  /** Where else that member could run (the user's inference server), as the page words it; null here. */
  remote: string | null;
}

/** `override`: the user's cap (members at once), which replaces the tier's. */
export function councilCap(profile: TierProfile, override: number | null = null): { atOnce: number; maxMembers: number; text: string } {
  const { mode, cap, stretchCap } = profile.council;
  const overridden = councilCapOverride(override);
  if (overridden !== null) {
    const tierCap = mode === 'serial' ? `${cap} at a time` : `${stretchCap}`;
    return { atOnce: overridden, maxMembers: overridden, text: `up to ${overridden} members at once by your override (the tier's cap is ${tierCap})` };
  }
  if (mode === 'serial') {
    return { atOnce: cap, maxMembers: COUNCIL_HARD_CAP, text: `${cap} member at a time, up to ${COUNCIL_HARD_CAP} in the queue` };
  }
  const text = stretchCap > cap ? `${cap} members at once (${stretchCap} if they all fit)` : `up to ${cap} members at once`;
  return { atOnce: cap, maxMembers: stretchCap, text };
}

/**
 * `members`: the ones that run on this device; `remoteMembers`: how many run on inference servers.
 * `capOverride`: the user's override of the council cap (members at once), null for the tier's own.
 */
export function checkCouncil(members: readonly PreflightMember[], tier: Tier, budget: BudgetLimits, capOverride: number | null = null, remoteMembers = 0): CouncilCheck {
  const profile = TIER_PROFILES[tier];
  // A council wholly on servers loads nothing here: there is nothing for this device to refuse.
  const result: CouncilPreflight =
    members.length === 0 && remoteMembers > 0
      ? {
          verdict: 'ok',
          message: `${remoteMembers === 1 ? 'The member runs' : `All ${remoteMembers} members run`} on inference servers: nothing loads on this device.`,
          suggestion: null,
          neededBytes: 0,
          budgetBytes: budget.bytes,
          members: [],
        }
      : preflightCouncil(
          members.map((m) => ({ ...m.spec, name: m.name })),
          budget,
          profile,
          { capOverride },
        );
  const cap = councilCap(profile, capOverride);
  // preflightCouncil refuses over the cap before it looks at each member alone, so only a refusal
  // that is one member's own says that member is too big (a council over the cap is not about any one).
  const tooBig =
    result.verdict === 'refuse'
      ? members.findIndex((m) => {
          const alone = preflightModel({ ...m.spec, name: m.name }, budget);
          return alone.verdict === 'refuse' && alone.message === result.message;
        })
      : -1;
  return {
    verdict: result.verdict,
    message: result.message,
    suggestion: result.suggestion,
    tier,
    tierLabel: profile.label,
    atOnce: cap.atOnce,
    maxMembers: cap.maxMembers,
    capText: cap.text,
    budgetBytes: budget.bytes,
    totalBytes: result.members.reduce((sum, m) => sum + m.footprint.totalBytes, 0),
    members: members.length,
    remoteMembers,
    tooBig: tooBig === -1 ? null : tooBig,
    remote: null,
  };
}

/** What the Run button and `run()` say when the council is refused: the reason and what to do. */
export function refusalText(check: CouncilCheck): string | null {
  if (check.verdict !== 'refuse') return null;
  return [check.message, check.suggestion, check.remote].filter((part) => part).join(' ');
}

/** "memory budget 6.4 GB, the 2 members need 590 MB in all". */
export function memoryText(check: CouncilCheck): string {
  const servers = check.remoteMembers === 0 ? '' : `; ${check.remoteMembers} on inference servers`;
  if (check.members === 0 && check.remoteMembers > 0) return `memory budget ${formatBytes(check.budgetBytes)}, nothing loads here${servers}`;
  const who = check.members === 1 ? 'the member needs' : `the ${check.members} members need`;
  return `memory budget ${formatBytes(check.budgetBytes)}, ${who} ${formatBytes(check.totalBytes)}${check.members > 1 ? ' in all' : ''}${servers}`;
}

/**
 * A spec for a model known only by its footprint (a bundled model whose config.json could not be
 * read): its weights at the engine's dtype and the runtime overhead, with no KV cache (layers 0), so
 * that its footprint is what the scheduler is told and no guessed cache shape is shown as a fact.
 */
export function footprintOnlySpec(name: string, params: number, dtype: ModelSpec['dtype']): ModelSpec {
  return { name, params, dtype, layers: 0, kvHeads: 0, headDim: 0, contextTokens: 0 };
}

/**
 * What the pre-flight counts for a hub model before its build is known: a transformers.js repository's
 * largest build (file + KV cache at its context window); a hub GGUF file (file + f16 KV cache at the
 * context llama.cpp is given); a web-llm model's 4-bit weights and overhead
 * (the scheduler's ledger holds web-llm's larger vram_required_MB).
 */
export function hubPreflightSpec(model: HubModel | OnnxHubModel | GgufHubModel): ModelSpec {
  if (model.source === 'hub-gguf') return ggufHubSpec(model);
  return model.source === 'hub-onnx' ? onnxUpperSpec(model) : footprintOnlySpec(model.id, model.parameters, 'q4');
}
