/**
 * Applies the liveness rule (liveness.ts) to one worker on a timer: it keeps what the worker is doing
 * (idle, loading, generating), pings it while idle, and calls `onDead` once the rule says dead. The
 * owner reports the worker's activity as it sees it (a load's progress, each token's arrival); the
 * verdicts and their sentences are the rule's. Where the worker can hold a lifeline lock
 * (lifeline-lock.ts), its end is reported the moment the browser frees the lock, and a ping is then
 * only a check for a hung thread. Clock, timers and locks are injected, so a test can drive it.
 */
import type { LoadProgress } from './engine.ts';
import { endedReason, LIVENESS_RULES, liveness, type LivenessRules, type WorkerActivity } from './liveness.ts';
import { lifelineLockName, scopeLocks, whenLifelineEnds, type LockManagerLike } from './lifeline-lock.ts';

export interface LivenessWatchOptions {
  /** How the sentence names the worker: "the engine worker for wf-tiny". */
  name: string;
  /** Asks the worker to answer (it does whenever it reads its messages). */
  ping(): Promise<unknown>;
  /** Asks the worker to hold the named lock for its life; resolves true once it does (see lifeline-lock.ts). */
  holdLifeline?: (name: string) => Promise<boolean>;
  /** The page's lock manager (default: this scope's; null: none, pings alone). */
  locks?: LockManagerLike | null;
  onDead(reason: string): void;
  now?: () => number;
  rules?: LivenessRules;
  /** How often the rule is asked, and an idle worker pinged. */
  checkEveryMs?: number;
  /** A look this much later than due means the page itself was blocked (see `check`). */
  lateLookMs?: number;
  idlePingEveryMs?: number;
  setInterval?: (callback: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

/** The median of the last gaps is the expected gap: one long pause (a GC, a busy page) does not stretch it. */
const GAPS_KEPT = 32;

export class LivenessWatch {
  private activity: WorkerActivity = { kind: 'idle', pingSentAt: null };
  private lastPingAnsweredAt: number;
  private pingSeq = 0;
  private gaps: number[] = [];
  private timer: unknown = null;
  private stopped = false;
  /** Asked to stop a generation: silence is expected until it ends, and the owner's own grace decides. */
  private stopping = false;
  private lastCheckAt: number;
  private readonly now: () => number;
  private lifelineHeld = false;
  private withdrawLifeline: (() => void) | null = null;

  constructor(private readonly options: LivenessWatchOptions) {
    this.now = options.now ?? (() => performance.now());
    this.lastPingAnsweredAt = this.now();
    this.lastCheckAt = this.lastPingAnsweredAt;
  }

  start(): void {
    if (this.timer !== null) return;
    const every = this.options.checkEveryMs ?? 250;
    this.timer = (this.options.setInterval ?? ((callback, ms) => setInterval(callback, ms)))(() => this.check(), every);
    this.takeLifeline();
  }

  stop(): void {
    this.stopped = true;
    this.withdrawLifeline?.();
    this.withdrawLifeline = null;
    if (this.timer === null) return;
    (this.options.clearInterval ?? ((handle) => clearInterval(handle as ReturnType<typeof setInterval>)))(this.timer);
    this.timer = null;
  }

  /** A Stop was sent: the generation may wind down in silence (its owner gives it a grace period of its own). */
  stopRequested(): void {
    this.stopping = true;
  }

  idle(): void {
    this.stopping = false;
    this.activity = { kind: 'idle', pingSentAt: null };
    this.lastPingAnsweredAt = this.now();
  }

  loading(modelId: string): void {
    const now = this.now();
    this.activity = { kind: 'loading', modelId, phase: 'fetch', phaseStartedAt: now, lastProgressAt: now };
  }

  loadProgress(progress: LoadProgress): void {
    const activity = this.activity;
    if (activity.kind !== 'loading' || progress.phase === 'ready') return;
    const now = this.now();
    this.activity = { ...activity, phase: progress.phase, phaseStartedAt: progress.phase === activity.phase ? activity.phaseStartedAt : now, lastProgressAt: now };
  }

  generating(): void {
    this.stopping = false;
    this.gaps = [];
    this.activity = { kind: 'generating', startedAt: this.now(), lastTokenAt: null, tokens: 0, expectedGapMs: null, expectedFirstTokenMs: null };
  }

  token(): void {
    const activity = this.activity;
    if (activity.kind !== 'generating') return;
    const now = this.now();
    if (activity.lastTokenAt !== null) {
      this.gaps.push(now - activity.lastTokenAt);
      if (this.gaps.length > GAPS_KEPT) this.gaps.shift();
    }
    this.activity = { ...activity, lastTokenAt: now, tokens: activity.tokens + 1, expectedGapMs: median(this.gaps) };
  }

  /** The median gap between this generation's tokens so far (null before two tokens). */
  get expectedGapMs(): number | null {
    return this.activity.kind === 'generating' ? this.activity.expectedGapMs : null;
  }

  /** One look: pings an idle worker when due, and reports death once the rule says so. */
  check(): void {
    if (this.stopped || this.stopping) return;
    const now = this.now();
    const late = now - this.lastCheckAt > (this.options.checkEveryMs ?? 250) + (this.options.lateLookMs ?? 1000);
    this.lastCheckAt = now;
    // A look that comes late means the page's own thread was blocked: the worker's messages of that
    // time are still queued behind this timer, so its silence is judged at the next look, after them.
    if (late) return;
    const activity = this.activity;
    const pingEvery = this.options.idlePingEveryMs ?? 1000;
    if (activity.kind === 'idle' && activity.pingSentAt === null && now - this.lastPingAnsweredAt >= pingEvery) this.sendPing(now);
    const verdict = liveness(this.watched(), now, this.options.rules ?? LIVENESS_RULES);
    if (verdict.state !== 'dead') return;
    this.stop();
    this.options.onDead(verdict.reason);
  }

  private watched() {
    return { name: this.options.name, activity: this.activity, lifelineHeld: this.lifelineHeld };
  }

  /** Once the worker holds its lock, the browser's grant of the same lock to this side is its death notice. */
  private takeLifeline(): void {
    const locks = this.options.locks === undefined ? scopeLocks() : this.options.locks;
    const hold = this.options.holdLifeline;
    if (!locks || !hold) return;
    const name = lifelineLockName();
    hold(name).then(
      (held) => {
        if (!held || this.stopped) return;
        this.lifelineHeld = true;
        this.withdrawLifeline = whenLifelineEnds(name, () => this.ended(), locks);
      },
      () => undefined,
    );
  }

  private ended(): void {
    if (this.stopped) return;
    const reason = endedReason(this.watched(), this.options.rules ?? LIVENESS_RULES);
    this.stop();
    this.options.onDead(reason);
  }

  private sendPing(now: number): void {
    const seq = ++this.pingSeq;
    this.activity = { kind: 'idle', pingSentAt: now };
    this.options.ping().then(
      () => {
        if (seq !== this.pingSeq || this.activity.kind !== 'idle') return;
        this.activity = { kind: 'idle', pingSentAt: null };
        this.lastPingAnsweredAt = this.now();
      },
      () => undefined,
    );
  }
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
