/**
 * The memory ledger: which members hold memory, how much, since when they were last used, and the
 * admission decision for one more. Pure functions over plain data; the scheduler builds the ledger
 * from its members' states and acts on the answer.
 *
 * Rules, in order:
 * 1. refuse what is bigger than the whole budget (or than one engine can address);
 * 2. defer while loads are paused (memory pressure), saying why;
 * 3. load when it fits the free budget and the tier's resident cap;
 * 4. otherwise evict the least recently used *idle* members, oldest first, if that makes it fit;
 * 5. otherwise defer, naming the busy members it waits for.
 * Members that are loading, unloading or generating are never evicted; memory being loaded or freed
 * counts as used until it is done, so nothing is ever allocated past the budget.
 */
import { formatBytes } from '../lib/format.ts';

export type LedgerState = 'loading' | 'idle' | 'busy' | 'unloading';

export interface LedgerEntry {
  memberId: string;
  label: string;
  footprintBytes: number;
  lastUsedAtMs: number;
  state: LedgerState;
}

export interface Ledger {
  entries: readonly LedgerEntry[];
}

export interface AdmissionBudget {
  /** What all resident models together may use: the tier's budget, or less once an out-of-memory taught us. */
  bytes: number;
  /** What one model may use at most (WASM's 4 GiB); null when no such limit. */
  perModelMaxBytes: number | null;
}

export interface TierCap {
  /** Models that may stay loaded at once (1 on Low). */
  maxResident: number;
  /** For the sentences: "Low", "Mid", "High". */
  tierLabel: string;
}

export interface Candidate {
  memberId: string;
  label: string;
  footprintBytes: number;
}

export type Admission =
  | { action: 'load'; message: string }
  | { action: 'evict'; evict: LedgerEntry[]; message: string }
  | { action: 'defer'; reason: 'memory' | 'resident-cap' | 'paused'; waitFor: string[]; message: string }
  | { action: 'refuse'; message: string };

export function usedBytes(ledger: Ledger): number {
  return ledger.entries.reduce((sum, e) => sum + e.footprintBytes, 0);
}

export function freeBytes(ledger: Ledger, budgetBytes: number): number {
  return budgetBytes - usedBytes(ledger);
}

/** Idle members, least recently used first (ties by id, so the order is stable). */
export function evictionOrder(ledger: Ledger): LedgerEntry[] {
  return ledger.entries
    .filter((e) => e.state === 'idle')
    .sort((a, b) => a.lastUsedAtMs - b.lastUsedAtMs || (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
}

export function admit(ledger: Ledger, candidate: Candidate, budget: AdmissionBudget, cap: TierCap, pausedReason: string | null = null): Admission {
  const need = candidate.footprintBytes;
  const others = ledger.entries.filter((e) => e.memberId !== candidate.memberId);
  const view: Ledger = { entries: others };
  const used = usedBytes(view);
  const free = budget.bytes - used;
  const scale = Math.max(need, budget.bytes);

  if (budget.perModelMaxBytes !== null && need > budget.perModelMaxBytes) {
    return {
      action: 'refuse',
      message: `${candidate.label} needs ${formatBytes(need)}, more than one engine can hold (${formatBytes(budget.perModelMaxBytes, scale)}); it cannot load here.`,
    };
  }
  if (need > budget.bytes) {
    return {
      action: 'refuse',
      message: `${candidate.label} needs ${formatBytes(need, scale)}, more than the whole memory budget of ${formatBytes(budget.bytes, scale)}; it cannot load on this machine.`,
    };
  }
  if (pausedReason !== null) {
    return { action: 'defer', reason: 'paused', waitFor: [], message: `${candidate.label} waits to load: ${pausedReason}` };
  }

  const residentRoom = cap.maxResident - others.length;
  if (need <= free && residentRoom >= 1) {
    return { action: 'load', message: `Loading ${candidate.label} (${formatBytes(need, scale)}; ${formatBytes(free, scale)} free of ${formatBytes(budget.bytes, scale)}).` };
  }

  // Evict the least recently used idle members until both the bytes and the resident count fit.
  const evict: LedgerEntry[] = [];
  let freed = 0;
  for (const entry of evictionOrder(view)) {
    if (need <= free + freed && residentRoom + evict.length >= 1) break;
    evict.push(entry);
    freed += entry.footprintBytes;
  }
  if (need <= free + freed && residentRoom + evict.length >= 1) {
    const names = listNames(evict.map((e) => e.label));
    return {
      action: 'evict',
      evict,
      message:
        residentRoom < 1 && need <= free
          ? `Unloading ${names} (least recently used, idle) to load ${candidate.label}: ${cap.tierLabel} tier keeps ${countModels(cap.maxResident)} loaded.`
          : `Unloading ${names} (least recently used, idle) to make room for ${candidate.label} (needs ${formatBytes(need, scale)}, ${formatBytes(free, scale)} free).`,
    };
  }

  // Even with every idle member gone it does not fit: wait for busy (or loading) members to finish.
  const busy = others.filter((e) => e.state === 'busy' || e.state === 'loading').sort((a, b) => a.lastUsedAtMs - b.lastUsedAtMs);
  const waitFor: LedgerEntry[] = [];
  let wouldFree = freed + others.filter((e) => e.state === 'unloading').reduce((s, e) => s + e.footprintBytes, 0);
  let wouldRoom = residentRoom + evict.length + others.filter((e) => e.state === 'unloading').length;
  for (const entry of busy) {
    if (need <= free + wouldFree && wouldRoom >= 1) break;
    waitFor.push(entry);
    wouldFree += entry.footprintBytes;
    wouldRoom += 1;
  }
  const waitNames = listNames(waitFor.map((e) => e.label));
  const when = waitFor.length === 0 ? 'it will load when memory is freed' : `it will load when ${waitNames} ${waitFor.length > 1 ? 'are' : 'is'} idle`;
  if (need > free) {
    const beside = listNames(others.map((e) => e.label));
    return {
      action: 'defer',
      reason: 'memory',
      waitFor: waitFor.map((e) => e.memberId),
      message: `Not enough memory to load ${candidate.label} beside ${beside} (needs ${formatBytes(need, scale)}, ${formatBytes(Math.max(0, free), scale)} free); ${when}.`,
    };
  }
  return {
    action: 'defer',
    reason: 'resident-cap',
    waitFor: waitFor.map((e) => e.memberId),
    message: `${cap.tierLabel} tier keeps ${countModels(cap.maxResident)} loaded: ${candidate.label} waits; ${when}.`,
  };
}

/** How much a real out-of-memory lowers the learned budget below the point where it struck. */
export const OOM_BACKOFF = 0.9;

/**
 * An allocation of `attemptedBytes` failed with `residentBytes` already held: the real limit lies
 * below their sum, whatever the budget said. The learned budget never rises again by itself.
 */
export function learnBudgetFromOom(currentBudgetBytes: number, residentBytes: number, attemptedBytes: number): number {
  return Math.max(0, Math.min(currentBudgetBytes, Math.floor(OOM_BACKOFF * (residentBytes + attemptedBytes))));
}

/** The budget admission uses: the tier's, or what an out-of-memory taught, whichever is lower. */
export function effectiveBudget(tierBudgetBytes: number, learnedBytes: number | null): number {
  return learnedBytes === null ? tierBudgetBytes : Math.min(tierBudgetBytes, learnedBytes);
}

function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? 'nothing';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function countModels(n: number): string {
  return n === 1 ? 'one model' : `${n} models`;
}
