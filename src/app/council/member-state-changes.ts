/**
 * Which council member state changes are news for the token feed's watchers (the plugins): the
 * scheduler sends a member's snapshot whenever anything about it changes (its footprint, its last use,
 * its restarts), so only a snapshot whose state differs from the last one seen is an event; a fault
 * (the member lost its worker: restarted or removed) is always one, carrying its code and sentence.
 * Pure: the caller keeps the states it returns.
 */
import type { MemberState, SchedulerErrorCode } from '../../scheduler/protocol.ts';
import type { MemberStateChange } from '../perf/token-feed.ts';

export type MemberObservation =
  | { kind: 'snapshot'; id: string; label: string; state: MemberState }
  /** From the scheduler's restart / remove audit event, which follows the member's new snapshot. */
  | { kind: 'fault'; id: string; label: string; removed: boolean; code: SchedulerErrorCode | string; message: string };

export interface MemberStates {
  states: ReadonlyMap<string, MemberState>;
  events: MemberStateChange[];
}

const MAX_MESSAGE_CHARS = 300;

export function memberStateChanges(previous: ReadonlyMap<string, MemberState>, observations: readonly MemberObservation[], at: number): MemberStates {
  const states = new Map(previous);
  const events: MemberStateChange[] = [];
  for (const o of observations) {
    if (o.kind === 'snapshot') {
      if (states.get(o.id) === o.state) continue;
      states.set(o.id, o.state);
      events.push({ lane: o.id, label: o.label, state: o.state, at });
      continue;
    }
    const state: MemberState = o.removed ? 'removed' : (states.get(o.id) ?? 'unloaded');
    states.set(o.id, state);
    events.push({ lane: o.id, label: o.label, state, at, error: { code: String(o.code), message: o.message.slice(0, MAX_MESSAGE_CHARS) } });
  }
  return { states, events };
}
