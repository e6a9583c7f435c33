/**
 * The watchdog's verdict: is the member working on a job hung, and in what words. An engine that
 * stops answering never says so, so silence past a limit is the only sign; the scheduler then ends
 * its worker and treats it as a crash (restart-rule.ts). The verdict is a pure function of the
 * member's last signs of life and the time now; the scheduler owns the timer that asks for it
 * (every `checkEveryMs`, only while something is loading or generating).
 *
 * Checked in this order, the first that holds winning, each only once its limit is strictly passed:
 * 1. a load under way (its worker made) with no progress for `loadStallTimeoutMs`;
 * 2. a cancelled generation that has not stopped within `cancelGraceMs`;
 * 3. a generation with no first token for `firstTokenTimeoutMs`, or no next token for `stallTimeoutMs`.
 */
import type { JobStatus, MemberState } from './protocol.ts';

export interface WatchdogSettings {
  /** How often running members are checked. */
  checkEveryMs: number;
  /** No first token within this → the member is hung. */
  firstTokenTimeoutMs: number;
  /** No next token within this → the member is hung. */
  stallTimeoutMs: number;
  /** No load progress within this → the member is hung. */
  loadStallTimeoutMs: number;
  /** An unload that takes longer is cut short by terminating the worker. */
  unloadTimeoutMs: number;
  /** A cancelled generation that has not stopped within this → the member is hung. */
  cancelGraceMs: number;
}

export const WATCHDOG_DEFAULTS: Readonly<WatchdogSettings> = {
  checkEveryMs: 1000,
  firstTokenTimeoutMs: 30_000,
  stallTimeoutMs: 10_000,
  loadStallTimeoutMs: 60_000,
  unloadTimeoutMs: 5000,
  cancelGraceMs: 2000,
};

/** A member with a job, as the watchdog sees it. */
export interface WatchedMember {
  label: string;
  state: MemberState;
  /** Its worker exists: a load that waits for evictions has none yet, and cannot stall. */
  hasWorker: boolean;
  lastLoadProgressAtMs: number;
  /** Its job's phase. */
  phase: 'queued' | 'loading' | 'running' | 'cancelling' | JobStatus;
  tokensReceived: number;
  /** When the job started, or its last token arrived. */
  lastProgressAtMs: number;
  cancelRequestedAtMs: number | null;
}

export type HangKind = 'load-stalled' | 'cancel-ignored' | 'no-first-token' | 'token-stalled';

export interface HangVerdict {
  kind: HangKind;
  /** What happened, for the audit event and the job's error: "A stopped answering (no token for 10.2 s)". */
  message: string;
}

export function hangVerdict(member: WatchedMember, nowMs: number, settings: WatchdogSettings): HangVerdict | null {
  const { label } = member;
  if (member.state === 'loading' && member.hasWorker && nowMs - member.lastLoadProgressAtMs > settings.loadStallTimeoutMs) {
    return { kind: 'load-stalled', message: `${label} stopped answering while loading (no progress for ${seconds(nowMs - member.lastLoadProgressAtMs)})` };
  }
  if (member.phase === 'cancelling' && member.cancelRequestedAtMs !== null && nowMs - member.cancelRequestedAtMs > settings.cancelGraceMs) {
    return { kind: 'cancel-ignored', message: `${label} did not stop within ${seconds(settings.cancelGraceMs)} of being cancelled` };
  }
  if (member.phase === 'running') {
    const first = member.tokensReceived === 0;
    const silent = nowMs - member.lastProgressAtMs;
    if (silent > (first ? settings.firstTokenTimeoutMs : settings.stallTimeoutMs)) {
      return { kind: first ? 'no-first-token' : 'token-stalled', message: `${label} stopped answering (no ${first ? 'first token' : 'token'} for ${seconds(silent)})` };
    }
  }
  return null;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
