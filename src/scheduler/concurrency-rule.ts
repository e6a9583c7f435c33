/**
 * How many members may generate at once, and how many may stay loaded. The tier sets the cap (Low is
 * serial; Mid runs its stretch cap when the whole council fits the memory budget together), the user's
 * override lifts it, adaptation may lower it, and measured contention may run a burst one prompt at a
 * time when that finishes sooner than running it in parallel. Pure: the scheduler hands in its
 * settings, footprints and measurements, and applies the numbers (announcing a change of burst mode).
 */
import { fitsTogether } from '../tiers/index.ts';
import type { TierProfile } from '../tiers/index.ts';
import { planBurst } from './contention.ts';

export interface TierCapInput {
  /** The user's override of the cap (e.g. 8 or 12 on High); below 1 or null: none. */
  override: number | null;
  council: Pick<TierProfile['council'], 'mode' | 'cap' | 'stretchCap'>;
  /** Footprints of the members in the council (removed ones left out). */
  footprintsBytes: readonly number[];
  budgetBytes: number;
}

/** The tier's cap: the override; else 1 when serial; the stretch cap when the whole council fits the budget together; else the cap. */
export function tierCap({ override, council, footprintsBytes, budgetBytes }: TierCapInput): number {
  if (override !== null && override >= 1) return Math.floor(override);
  if (council.mode === 'serial') return 1;
  const footprints = footprintsBytes.map((totalBytes) => ({ weightsBytes: 0, kvCacheBytes: 0, overheadBytes: 0, totalBytes }));
  const fits = footprints.length > 0 && fitsTogether(footprints, budgetBytes).fits;
  return fits ? council.stretchCap : council.cap;
}

/** The cap after adaptation lowered it (null: not lowered); never below one. */
export function adaptedCap(cap: number, adaptLimit: number | null): number {
  return Math.max(1, Math.min(cap, adaptLimit ?? Number.POSITIVE_INFINITY));
}

/** Models that may stay loaded: the tier's, or more when more may generate at once. */
export function residentCap(maxResidentModels: number, cap: number): number {
  return Math.max(maxResidentModels, cap);
}

export type BurstSetting = 'auto' | 'parallel' | 'sequential';

export interface BurstInput {
  setting: BurstSetting;
  /** Members that may generate at once before the burst plan. */
  limit: number;
  /** Measured contention and decode rate alone; null until measured. */
  alpha: number | null;
  tps1: number | null;
}

export interface BurstChoice {
  mode: 'parallel' | 'sequential';
  /** The sentence that announces the mode when it changes. */
  reason: string;
}

/**
 * The burst the plan weighs: `limit` equal prompts of this many tokens, no first-token time. Which
 * mode wins depends only on α and `limit`, not on these; they only set the seconds in the sentence.
 */
const PLANNED_TOKENS = 64;

export function chooseBurst({ setting, limit, alpha, tps1 }: BurstInput): BurstChoice {
  if (setting === 'sequential') return { mode: 'sequential', reason: 'Bursts run one prompt at a time (setting).' };
  if (setting === 'auto' && limit > 1 && alpha !== null && tps1 !== null) {
    const plan = planBurst({ n: limit, tokensPerRequest: PLANNED_TOKENS, tps1, ttftMs: 0, alpha });
    return { mode: plan.mode, reason: plan.reason };
  }
  return { mode: 'parallel', reason: 'Bursts run in parallel.' };
}
