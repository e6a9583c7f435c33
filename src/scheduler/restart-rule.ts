/**
 * The restart rule: after a member's worker is lost (crashed, hung and ended, out of memory while
 * generating, or too many engine errors in a row), does it get a fresh worker or leave the council,
 * what happens to the job it was on, and what the user is told. A fresh worker cures most faults, but
 * one that keeps failing would hold the council up for ever, so restarts are counted in a sliding
 * window and one fault too many removes the member; the others carry on.
 *
 * - `repeatedFailure`: engine errors in a row that count as a fault of the worker;
 * - `restartOrRemove`: `maxRestarts` fresh workers per `windowMs`, then removal;
 * - `faultedJobFate`: a cancelled job ends cancelled; a job with no token yet runs once more on the
 *   fresh worker (unless the request says no, or it has already run twice), since no text is shown
 *   twice; otherwise it fails, keeping the text so far.
 * Pure: plain times in, decisions and sentences out; the scheduler acts on them.
 */

export interface RestartPolicy {
  /** Fresh workers a member may get within the window; one more fault removes it. */
  maxRestarts: number;
  windowMs: number;
  /** Engine errors in a row (no crash) after which the member gets a fresh worker anyway. */
  maxConsecutiveFailures: number;
}

export const RESTART_DEFAULTS: Readonly<RestartPolicy> = { maxRestarts: 2, windowMs: 5 * 60_000, maxConsecutiveFailures: 3 };

/** The restarts that still count: those less than `windowMs` ago. */
export function recentRestarts(restartTimesMs: readonly number[], nowMs: number, windowMs: number): number[] {
  return restartTimesMs.filter((t) => nowMs - t < windowMs);
}

/** What happened, when this many engine errors in a row count as a fault of the worker; null while they do not. */
export function repeatedFailure(label: string, consecutiveFailures: number, policy: RestartPolicy): string | null {
  return consecutiveFailures >= policy.maxConsecutiveFailures ? `${label} failed ${consecutiveFailures} times in a row` : null;
}

export interface MemberFault {
  label: string;
  /** What happened, as a sentence's start: "A crashed (worker exited)". */
  what: string;
  /** When the member was given fresh workers before (any age). */
  restartTimesMs: readonly number[];
  nowMs: number;
}

export type RestartDecision =
  | {
      action: 'restart';
      /** The member's restart times from now on (this one included). */
      restartTimesMs: number[];
      /** How the job's error sentence ends. */
      fate: string;
      notice: string;
    }
  | {
      action: 'remove';
      restartTimesMs: number[];
      fate: string;
      notice: string;
      /** The error of every job still queued for the member. */
      queuedMessage: string;
    };

export function restartOrRemove(fault: MemberFault, policy: RestartPolicy): RestartDecision {
  const recent = recentRestarts(fault.restartTimesMs, fault.nowMs, policy.windowMs);
  const window = `within ${Math.round(policy.windowMs / 60_000)} min`;
  if (recent.length < policy.maxRestarts) {
    recent.push(fault.nowMs);
    return {
      action: 'restart',
      restartTimesMs: recent,
      fate: 'it was restarted in a fresh worker',
      notice: `${fault.what}; it gets a fresh worker (restart ${recent.length} of ${policy.maxRestarts} ${window}).`,
    };
  }
  return {
    action: 'remove',
    restartTimesMs: recent,
    fate: 'it was removed from the council',
    notice: `${fault.what} again, after ${policy.maxRestarts} restarts ${window}: it is removed from the council; the others carry on.`,
    queuedMessage: `${fault.label} was removed from the council after repeated failures.`,
  };
}

/** The job the member was on when its worker was lost. */
export interface FaultedJob {
  /** A cancel was asked for before the fault. */
  cancelling: boolean;
  /** The request allows running it again (`TurnRequest.retry`, default true). */
  retryAllowed: boolean;
  /** Runs so far, this one included. */
  attempts: number;
  tokensReceived: number;
  tokensDelivered: number;
}

export type FaultedJobFate = { action: 'cancel' } | { action: 'retry'; message: string } | { action: 'fail'; message: string };

export function faultedJobFate(job: FaultedJob, what: string, decision: Pick<RestartDecision, 'action' | 'fate'>): FaultedJobFate {
  if (job.cancelling) return { action: 'cancel' };
  if (decision.action === 'restart' && job.retryAllowed && job.tokensReceived === 0 && job.attempts < 2) {
    return { action: 'retry', message: `${what} before its first token; the prompt runs again on the fresh worker.` };
  }
  const after = job.tokensReceived > 0 ? ` after ${job.tokensReceived} tokens` : '';
  const kept = job.tokensDelivered > 0 ? ' The text so far is kept.' : '';
  return { action: 'fail', message: `${what}${after}; ${decision.fate}.${kept}` };
}
