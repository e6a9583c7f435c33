/**
 * Whether a worker is still alive, decided from what it is doing and how long it has been silent.
 * A worker can die without a word (`self.close()`, a killed process, an out-of-memory kill): no
 * `error` event, no rejected call, just silence. The only honest signal is a deadline, and the
 * deadline depends on the activity: an idle worker answers a ping at once; a generating one sends
 * tokens at a known pace and reads no messages until it is done; a loading one may legitimately
 * spend minutes compiling. So the rule is one pure function over plain data and the current time
 * (no timers here: the caller owns the clock and re-asks at `nextCheckAt`), with every deadline in
 * `LIVENESS_RULES`. A verdict other than alive carries a sentence that names the worker and what
 * was lost, ready to show as it is.
 */
import type { LoadProgress } from './engine.ts';

/** What the worker is doing, as its owner saw it last. Times are ms on the owner's monotonic clock. */
export type WorkerActivity =
  /** Nothing in flight; `pingSentAt` is set while a ping awaits its answer. */
  | { kind: 'idle'; pingSentAt: number | null }
  /**
   * Loading a model. `lastProgressAt`: the phase's last progress report (or its start); downloads
   * report progress, so a stalled one is caught by that; the other phases report only their start.
   */
  | { kind: 'loading'; modelId: string; phase: Exclude<LoadProgress['phase'], 'ready'>; phaseStartedAt: number; lastProgressAt: number }
  /**
   * Generating. `lastTokenAt` is null before the first token (then `startedAt` counts, against the
   * first-token deadline). `expectedGapMs`: the engine's usual inter-token gap (e.g. the median of
   * this run's gaps so far, or of the last run), null while nothing is known.
   */
  | { kind: 'generating'; startedAt: number; lastTokenAt: number | null; tokens: number; expectedGapMs: number | null; expectedFirstTokenMs: number | null }
  /** A call other than load/generate awaiting its answer. */
  | { kind: 'call'; call: PendingCallKind; since: number };

export type PendingCallKind = 'abort' | 'unload' | 'footprint' | 'other';

export interface WatchedWorker {
  /** How the sentence names it: "the engine worker for wf-tiny", "council member Ada (wf-tiny)". */
  name: string;
  activity: WorkerActivity;
  /**
   * The worker holds a lifeline lock (lifeline-lock.ts) whose release reports its death at once, so
   * an unanswered ping means a thread alive but stuck or starved, and `lifelinePingDeadlineMs` applies.
   */
  lifelineHeld?: boolean;
}

export type LivenessVerdict =
  | { state: 'alive'; nextCheckAt: number | null }
  | { state: 'suspect' | 'dead'; reason: string; silentMs: number; deadlineMs: number; nextCheckAt: number | null };

export interface LivenessRules {
  /** Idle: an unanswered ping. The worker reads messages whenever it is idle, so this is short. */
  pingDeadlineMs: number;
  /** Idle, with a lifeline lock held: only a hung thread is left to catch, so this outlasts a loaded machine. */
  lifelinePingDeadlineMs: number;
  /** Generating: dead after max(gapFactor × expected gap, gapFloorMs) without a token. */
  gapFactor: number;
  gapFloorMs: number;
  /** Generating, the gap unknown (first run of an engine, no gap seen yet). */
  unknownGapDeadlineMs: number;
  /** Before the first token: max(firstTokenFactor × expected TTFT, firstTokenFloorMs). Prefill can be long. */
  firstTokenFactor: number;
  firstTokenFloorMs: number;
  /** Loading: `fetch` counts from the last progress report; `init` and `warmup` from the phase's start. */
  loadingMs: Record<Exclude<LoadProgress['phase'], 'ready'>, number>;
  callMs: Record<PendingCallKind, number>;
  /** Suspect once this fraction of the deadline has passed in silence (shown as "not answering"). */
  suspectFraction: number;
}

/**
 * The gap rule: tokens come every few ms to a few hundred ms, and a pause of 10 gaps is not jitter.
 * The 3 s floor keeps GC pauses and a busy page from killing a fast engine (on a loaded two-core
 * machine, page-side gaps of over a second were seen in healthy runs), and still reports a silent
 * death within 5 s of the last token however fast the engine was. A token that completes no
 * character is not posted, so wf-tiny's 128-byte stretches that form no UTF-8 character are silences
 * of 128 gaps (about 1-1.5 s on a quiet two-core machine) that this floor must outlast. Loading deadlines are
 * generous on purpose: a false "dead" during a slow shader compile costs a whole reload.
 */
export const LIVENESS_RULES: LivenessRules = {
  pingDeadlineMs: 1000,
  lifelinePingDeadlineMs: 10_000,
  gapFactor: 10,
  gapFloorMs: 3000,
  unknownGapDeadlineMs: 10_000,
  firstTokenFactor: 5,
  firstTokenFloorMs: 15_000,
  loadingMs: { fetch: 30_000, init: 180_000, warmup: 120_000 },
  callMs: { abort: 2000, unload: 10_000, footprint: 1000, other: 5000 },
  suspectFraction: 0.5,
};

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const tokensText = (n: number): string => `${n} token${n === 1 ? '' : 's'}`;

interface Silence {
  since: number;
  deadlineMs: number;
  /** "no token for 2.3 s (the limit is 2.0 s: 10 × the expected 4 ms gap)" — built from the silence. */
  what(silentMs: number): string;
  lost: string;
}

const IDLE_LOSS = 'its loaded model is gone and must be loaded again';

function silenceOf(worker: WatchedWorker, rules: LivenessRules): Silence | null {
  const activity = worker.activity;
  switch (activity.kind) {
    case 'idle': {
      if (activity.pingSentAt === null) return null;
      const deadlineMs = worker.lifelineHeld ? rules.lifelinePingDeadlineMs : rules.pingDeadlineMs;
      return {
        since: activity.pingSentAt,
        deadlineMs,
        what: (silent) => `no answer to a ping for ${seconds(silent)} while idle (the limit is ${seconds(deadlineMs)})`,
        lost: IDLE_LOSS,
      };
    }
    case 'loading': {
      const fetching = activity.phase === 'fetch';
      const deadlineMs = rules.loadingMs[activity.phase];
      return {
        since: fetching ? activity.lastProgressAt : activity.phaseStartedAt,
        deadlineMs,
        what: (silent) =>
          fetching
            ? `no download progress for ${seconds(silent)} (the limit is ${seconds(deadlineMs)})`
            : `still in the ${activity.phase === 'init' ? 'start-up' : 'warm-up'} phase after ${seconds(silent)} (the limit is ${seconds(deadlineMs)})`,
        lost: `the load of ${activity.modelId} did not finish`,
      };
    }
    case 'generating': {
      const lost = activity.tokens > 0 ? `the generation stopped after ${tokensText(activity.tokens)}; the rest of it is lost` : 'the generation produced nothing';
      if (activity.lastTokenAt === null) {
        const deadlineMs = Math.max(rules.firstTokenFactor * (activity.expectedFirstTokenMs ?? 0), rules.firstTokenFloorMs);
        return { since: activity.startedAt, deadlineMs, what: (silent) => `no first token after ${seconds(silent)} (the limit is ${seconds(deadlineMs)})`, lost };
      }
      const gap = activity.expectedGapMs;
      const deadlineMs = gap === null ? rules.unknownGapDeadlineMs : Math.max(rules.gapFactor * gap, rules.gapFloorMs);
      const limit =
        gap === null
          ? `the limit is ${seconds(deadlineMs)}, the usual gap being unknown`
          : `the limit is ${seconds(deadlineMs)}; a token usually comes every ${gap < 100 ? `${Math.round(gap)} ms` : seconds(gap)}`;
      return { since: activity.lastTokenAt, deadlineMs, what: (silent) => `no token for ${seconds(silent)} while generating (${limit})`, lost };
    }
    case 'call': {
      const deadlineMs = rules.callMs[activity.call];
      const call = activity.call === 'other' ? 'a call' : `its ${activity.call} call`;
      return {
        since: activity.since,
        deadlineMs,
        what: (silent) => `no answer to ${call} for ${seconds(silent)} (the limit is ${seconds(deadlineMs)})`,
        lost: activity.call === 'abort' ? 'the generation it was asked to stop may still be holding the engine' : `the ${activity.call === 'other' ? 'call' : activity.call} did not complete`,
      };
    }
  }
}

/** The verdict on one worker at `now`; `nextCheckAt` is when it would next change (null: not before something happens). */
export function liveness(worker: WatchedWorker, now: number, rules: LivenessRules = LIVENESS_RULES): LivenessVerdict {
  const silence = silenceOf(worker, rules);
  if (silence === null) return { state: 'alive', nextCheckAt: null };
  // A clock that went backwards (or an event stamped after `now`) is no silence at all.
  const silentMs = Math.max(0, now - silence.since);
  const suspectAt = silence.since + rules.suspectFraction * silence.deadlineMs;
  const deadAt = silence.since + silence.deadlineMs;
  if (silentMs < rules.suspectFraction * silence.deadlineMs) return { state: 'alive', nextCheckAt: suspectAt };
  const base = { silentMs, deadlineMs: silence.deadlineMs };
  if (silentMs < silence.deadlineMs) {
    return { ...base, state: 'suspect', nextCheckAt: deadAt, reason: `${capitalise(worker.name)} is not answering: ${silence.what(silentMs)}.` };
  }
  return { ...base, state: 'dead', nextCheckAt: null, reason: `${capitalise(worker.name)} stopped responding and is treated as dead: ${silence.what(silentMs)}; ${silence.lost}.` };
}

/** The sentence for a worker whose lifeline lock came free: it has ended, no deadline involved. */
export function endedReason(worker: WatchedWorker, rules: LivenessRules = LIVENESS_RULES): string {
  // What was lost is the same as for a silence in that activity (an idle worker with no ping out has none to borrow).
  const lost = silenceOf(worker, rules)?.lost ?? IDLE_LOSS;
  return `${capitalise(worker.name)} has ended without a word (it closed, or the browser ended it); ${lost}.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
