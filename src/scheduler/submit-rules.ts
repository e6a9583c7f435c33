/**
 * What makes a submitted turn invalid, and the sentence that says so. `submit` answers at once and
 * as plain data, so every refusal has to be decided before anything is queued and has to say, in
 * words, what to change. A full queue is not decided here: overload depends on what is waiting, not
 * on the turn, and belongs to the queue (queue.ts).
 *
 * Two steps, checked in this order, the first refusal winning:
 * 1. `resolveTurnMembers`: the scheduler is open, the prompt and token count are usable, and the
 *    turn names members that exist and were not removed (none named: every member not removed);
 * 2. `checkTurnFits`: lock-step only where every member can generate at once, member priorities that
 *    exist, and no more members than the queue holds.
 * They are apart because the second needs the concurrency, which the scheduler works out only for a
 * lock-step turn whose members are known (working it out may announce a change of burst mode).
 */
import type { SubmitAnswer, TurnRequest } from './protocol.ts';
import { PRIORITY_RANK } from './queue.ts';

export type SubmitRefusal = Extract<SubmitAnswer, { code: 'invalid' }>;

export interface CouncilRoll {
  /** The scheduler has shut down. */
  closed: boolean;
  /** Every member the scheduler knows, in council order (removed ones included: they get their own sentence). */
  members: readonly { id: string; label: string; removed: boolean }[];
}

export interface TurnLimits {
  /** Members generating at once now; null when the turn is not lock-step (nothing else needs it). */
  concurrency: number | null;
  /** For the sentences: "Low", "Mid", "High". */
  tierLabel: string;
  queueCapacity: number;
}

export type TurnMembers = { ok: true; memberIds: string[] } | { ok: false; refusal: SubmitRefusal };

export function resolveTurnMembers(request: TurnRequest, roll: CouncilRoll): TurnMembers {
  if (roll.closed) return refuse('The scheduler has shut down.');
  if (typeof request.prompt !== 'string') return refuse('A prompt is needed.');
  if (!(request.maxNewTokens >= 1)) return refuse('maxNewTokens must be at least 1.');
  const ids = [...new Set(request.members ?? roll.members.filter((m) => !m.removed).map((m) => m.id))];
  if (ids.length === 0) return refuse('No council member can answer: add a model first.');
  for (const id of ids) {
    const member = roll.members.find((m) => m.id === id);
    if (!member) return refuse(`There is no council member called ${id}.`);
    if (member.removed) return refuse(`${member.label} was removed from the council after repeated failures; add it again to use it.`);
  }
  return { ok: true, memberIds: ids };
}

export function checkTurnFits(request: TurnRequest, memberIds: readonly string[], limits: TurnLimits): SubmitRefusal | null {
  const n = memberIds.length;
  if (request.lockStep && limits.concurrency !== null && n > limits.concurrency) {
    return invalid(`Lock-step needs all ${n} members generating at once; ${limits.tierLabel} tier runs ${limits.concurrency} at a time now. Use free-running mode.`);
  }
  for (const [id, priority] of Object.entries(request.memberPriorities ?? {})) {
    if (!(priority in PRIORITY_RANK)) return invalid(`Priority "${String(priority)}" of ${id} is none of high, normal, low.`);
  }
  if (n > limits.queueCapacity) return invalid(`A turn of ${n} members is larger than the queue (${limits.queueCapacity}).`);
  return null;
}

function invalid(message: string): SubmitRefusal {
  return { accepted: false, code: 'invalid', message };
}

function refuse(message: string): TurnMembers {
  return { ok: false, refusal: invalid(message) };
}
