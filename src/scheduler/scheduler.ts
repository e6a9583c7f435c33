/**
 * The scheduler's stateful core. It owns the council (one transport per loaded member), the bounded
 * queue and the memory ledger, and drives the pure policies beside it: `resolveTurnMembers`/
 * `checkTurnFits` (submit-rules.ts) decide which turns are invalid, `admit` (ledger.ts) loads and
 * evictions, `BoundedQueue` (queue.ts) overload, `LockStepGate` (fairness.ts) lock-step delivery,
 * `adapt` (adaptation.ts) council size and memory pressure, `tierCap`/`chooseBurst`
 * (concurrency-rule.ts, with `estimateAlpha` from contention.ts) how many generate at once and whether
 * bursts run in parallel, `hangVerdict` (watchdog.ts) when a member is hung, `restartOrRemove`/
 * `faultedJobFate` (restart-rule.ts) what a fault costs the member and its job.
 *
 * Every decision is emitted as an `AuditEvent` (plain data) as it is taken. Tokens leave through
 * `events.token` (the worker shell feeds them to a FrameBatcher), job and turn ends through
 * `events.jobEnd`/`turnEnd` and `whenDone`.
 *
 * Faults: a member whose worker dies (`crashed`) or stops answering (the watchdog) gets a fresh worker
 * on its next use, up to `maxRestarts` within `windowMs`, and is removed from the council beyond that;
 * its job fails with a sentence saying so, or runs once more where that is safe (no token arrived yet).
 * A real out-of-memory lowers the learned budget. Other members carry on throughout.
 */
import type { GenerateRequest, GenerationResult, LoadInfo, LoadProgress } from '../workers/engine.ts';
import type { BudgetLimits } from '../tiers/index.ts';
import { formatBytes } from '../lib/format.ts';
import type { TierProfile } from '../tiers/index.ts';
import { ADAPTATION_DEFAULTS, INITIAL_ADAPTATION_STATE, adapt, type AdaptationConfig, type AdaptationState } from './adaptation.ts';
import { realClock, type Clock, type TimerHandle } from '../lib/clock.ts';
import { contentionGroupOf, estimateAlphaByGroup, fairnessByGroup, streamTps, type AlphaEstimate, type ContentionGroup, type ThroughputSample } from './contention.ts';
import { LockStepGate } from './fairness.ts';
import { isEngineLost, isOutOfMemoryError, isRateLimited } from '../workers/errors.ts';
import { admit, effectiveBudget, evictionOrder, learnBudgetFromOom, usedBytes, type Ledger, type LedgerEntry, type LedgerState } from './ledger.ts';
import type {
  AdaptationSample,
  AuditEvent,
  AuditKind,
  JobError,
  JobOutcome,
  JobStatus,
  MemberConfig,
  MemberSnapshot,
  MemberState,
  Priority,
  SchedulerErrorCode,
  SchedulerSnapshot,
  SubmitAnswer,
  TokenOut,
  TurnOutcome,
  TurnRequest,
} from './protocol.ts';
import { BoundedQueue, ServiceTimes, estimateRetryAfterMs, overloadMessage, type QueueEntry } from './queue.ts';
import { isTransportError, type MemberTransport } from '../workers/transport.ts';

import { RESTART_DEFAULTS, faultedJobFate, recentRestarts, repeatedFailure, restartOrRemove, type RestartPolicy } from './restart-rule.ts';
import { checkTurnFits, resolveTurnMembers } from './submit-rules.ts';
import { adaptedCap, chooseBurst, residentCap, tierCap } from './concurrency-rule.ts';
import { WATCHDOG_DEFAULTS, hangVerdict, type WatchdogSettings } from './watchdog.ts';

export { RESTART_DEFAULTS, WATCHDOG_DEFAULTS, type RestartPolicy, type WatchdogSettings };

export const DEFAULT_QUEUE_CAPACITY = 64;

export interface SchedulerEvents {
  token?(token: TokenOut): void;
  jobEnd?(outcome: JobOutcome): void;
  turnEnd?(outcome: TurnOutcome): void;
  audit?(event: AuditEvent): void;
  member?(member: MemberSnapshot): void;
  loadProgress?(memberId: string, progress: LoadProgress): void;
}

export interface SchedulerOptions {
  profile: TierProfile;
  /** The tier's memory budget (`memoryBudget()` in src/tiers). */
  budget: BudgetLimits;
  /** A fresh worker (or in-process engine) for a member; called for every load after a crash or eviction. */
  createTransport(member: MemberConfig): MemberTransport;
  clock?: Clock;
  queueCapacity?: number;
  queueLowWater?: number;
  /** The user's override of the council cap (beyond the tier's, e.g. 8 or 12 on High). */
  concurrencyOverride?: number | null;
  /** auto: parallel unless measured contention says back to back finishes sooner. */
  burstMode?: 'auto' | 'parallel' | 'sequential';
  watchdog?: Partial<WatchdogSettings>;
  restart?: Partial<RestartPolicy>;
  adaptation?: Partial<AdaptationConfig>;
  events?: SchedulerEvents;
}

type JobPhase = 'queued' | 'loading' | 'running' | 'cancelling' | JobStatus;

interface Job {
  id: string;
  turn: Turn;
  memberId: string;
  priority: Priority;
  phase: JobPhase;
  entry: QueueEntry<Job> | null;
  attempts: number;
  tokensReceived: number;
  tokensDelivered: number;
  queuedAtMs: number;
  startedAtMs: number | null;
  lastProgressAtMs: number;
  cancelRequestedAtMs: number | null;
  controller: AbortController | null;
  deferMessage: string | null;
  oomRetried: boolean;
  /** ∫ members of its contention group generating dt over this job's generation, for its concurrency level. */
  concurrencyArea: number;
  areaSinceMs: number;
  outcome: JobOutcome | null;
}

interface Turn {
  id: string;
  request: TurnRequest;
  jobs: Job[];
  gate: LockStepGate<TokenOut> | null;
  ended: number;
  resolve: (outcome: TurnOutcome) => void;
  done: Promise<TurnOutcome>;
}

interface Member {
  config: MemberConfig;
  state: MemberState;
  transport: MemberTransport | null;
  /** Bumped whenever the member's worker is replaced or dropped: callbacks from an older one are ignored. */
  epoch: number;
  footprintBytes: number;
  lastUsedAtMs: number;
  loadInfo: LoadInfo | null;
  /** The job it is loading for or generating. */
  job: Job | null;
  restartTimes: number[];
  consecutiveFailures: number;
  lastLoadProgressAtMs: number;
}

const FINISHED_TURNS_KEPT = 256;
const THROUGHPUT_SAMPLES_KEPT = 256;

export class Scheduler {
  private readonly clock: Clock;
  private readonly profile: TierProfile;
  private readonly watchdogSettings: WatchdogSettings;
  private readonly restartPolicy: RestartPolicy;
  private readonly adaptationConfig: AdaptationConfig;
  private readonly events: SchedulerEvents;
  private readonly members = new Map<string, Member>();
  private readonly queue: BoundedQueue<Job>;
  private readonly turns = new Map<string, Turn>();
  private readonly finished = new Map<string, TurnOutcome>();
  private readonly serviceTimes = new ServiceTimes();
  private readonly throughput: (ThroughputSample & { group: ContentionGroup; memberId: string })[] = [];
  private alphaCache: Map<ContentionGroup, AlphaEstimate> | null = null;
  private learnedBudget: number | null = null;
  private loadsPausedReason: string | null = null;
  private adaptationState: AdaptationState = { ...INITIAL_ADAPTATION_STATE };
  /** Members allowed to generate at once by adaptation (null: the tier's cap). */
  private adaptLimit: number | null = null;
  private growthOffer: number | null = null;
  private lastBurstMode: 'parallel' | 'sequential' = 'parallel';
  /** Members generating now, per contention group. */
  private readonly generating = new Map<ContentionGroup, number>();
  private turnSeq = 0;
  private auditSeq = 0;
  private pumping = false;
  private pumpAgain = false;
  private watchdogTimer: TimerHandle | null = null;
  private closed = false;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? realClock;
    this.profile = options.profile;
    this.watchdogSettings = { ...WATCHDOG_DEFAULTS, ...options.watchdog };
    this.restartPolicy = { ...RESTART_DEFAULTS, ...options.restart };
    this.adaptationConfig = { ...ADAPTATION_DEFAULTS, ...options.adaptation };
    this.events = options.events ?? {};
    this.queue = new BoundedQueue<Job>(options.queueCapacity ?? DEFAULT_QUEUE_CAPACITY, options.queueLowWater);
  }

  // ── council ────────────────────────────────────────────────────────────────────────────────────

  /** Makes the council exactly these members: new ones are added (loaded on first use), missing ones removed. */
  setCouncil(configs: readonly MemberConfig[]): void {
    const wanted = new Set(configs.map((c) => c.id));
    for (const id of [...this.members.keys()]) if (!wanted.has(id)) this.removeMember(id);
    for (const config of configs) {
      const existing = this.members.get(config.id);
      if (!existing || existing.state === 'removed') this.addMember(config);
    }
  }

  addMember(config: MemberConfig): void {
    const existing = this.members.get(config.id);
    if (existing && existing.state !== 'removed') throw new Error(`Council member ${config.id} exists already.`);
    const member: Member = {
      config,
      state: 'unloaded',
      transport: null,
      epoch: 0,
      footprintBytes: config.footprintBytes,
      lastUsedAtMs: Number.NEGATIVE_INFINITY,
      loadInfo: null,
      job: null,
      restartTimes: [],
      consecutiveFailures: 0,
      lastLoadProgressAtMs: 0,
    };
    this.members.set(config.id, member);
    this.emitMember(member);
    this.pump();
  }

  /** Takes a member out of the council: its queued jobs are cancelled, its running one stopped, its worker ended. */
  removeMember(id: string, reason = 'it was removed from the council'): void {
    const member = this.members.get(id);
    if (!member || member.state === 'removed') return;
    for (const entry of this.queue.removeWhere((job) => job.memberId === id)) {
      this.settle(entry.item, 'cancelled', null, { code: 'member-removed', message: `${member.config.label} did not answer: ${reason}.` });
    }
    const job = member.job;
    this.dropWorker(member, `${member.config.label}: ${reason}`);
    if (job) this.settle(job, 'cancelled', null, { code: 'member-removed', message: `${member.config.label} stopped: ${reason}.` });
    this.setState(member, 'removed');
    this.members.delete(id);
    this.pump();
  }

  // ── requests ───────────────────────────────────────────────────────────────────────────────────

  submit(request: TurnRequest): SubmitAnswer {
    const roll = [...this.members.values()].map((m) => ({ id: m.config.id, label: m.config.label, removed: m.state === 'removed' }));
    const resolved = resolveTurnMembers(request, { closed: this.closed, members: roll });
    if (!resolved.ok) return resolved.refusal;
    const ids = resolved.memberIds;
    const refusal = checkTurnFits(request, ids, {
      concurrency: request.lockStep ? this.concurrency() : null,
      tierLabel: this.profile.label,
      queueCapacity: this.queue.capacity,
    });
    if (refusal) return refusal;

    const now = this.clock.now();
    const turnId = `t${++this.turnSeq}`;
    let resolve!: (outcome: TurnOutcome) => void;
    const done = new Promise<TurnOutcome>((r) => (resolve = r));
    const turn: Turn = { id: turnId, request, jobs: [], gate: null, ended: 0, resolve, done };
    const priority = request.priority ?? 'normal';
    for (const memberId of ids) {
      turn.jobs.push({
        id: `${turnId}:${memberId}`,
        turn,
        memberId,
        priority: request.memberPriorities?.[memberId] ?? priority,
        phase: 'queued',
        entry: null,
        attempts: 0,
        tokensReceived: 0,
        tokensDelivered: 0,
        queuedAtMs: now,
        startedAtMs: null,
        lastProgressAtMs: now,
        cancelRequestedAtMs: null,
        controller: null,
        deferMessage: null,
        oomRetried: false,
        concurrencyArea: 0,
        areaSinceMs: now,
        outcome: null,
      });
    }
    const ahead = this.queue.length;
    const offer = this.queue.offerAll(turn.jobs, (job) => job.priority);
    if (!offer.ok) {
      const retryAfterMs = estimateRetryAfterMs({
        queued: this.queue.length,
        lowWater: this.queue.lowWater,
        concurrency: this.concurrency(),
        meanServiceMs: this.serviceTimes.mean(this.profile.targets.p95CompletionMs.goal),
      });
      const message = overloadMessage(this.queue.length, retryAfterMs);
      if (offer.enteredOverload) {
        this.audit('overload', `The queue is full (${this.queue.length} of ${this.queue.capacity}): new prompts are refused until it drains to ${this.queue.lowWater}.`, true, {
          data: { queued: this.queue.length, capacity: this.queue.capacity },
        });
      }
      this.audit('reject', message, false, { data: { retryAfterMs, queued: this.queue.length } });
      return { accepted: false, code: 'overloaded', retryAfterMs, message };
    }
    if (request.lockStep) {
      turn.gate = new LockStepGate<TokenOut>(
        turn.jobs.map((j) => j.id),
        {
          release: (jobId, token) => this.deliver(this.jobOf(turn, jobId), token),
          drained: (jobId) => this.endJob(this.jobOf(turn, jobId)),
        },
      );
    }
    this.turns.set(turnId, turn);
    this.pump();
    return { accepted: true, turnId, jobs: turn.jobs.map((j) => ({ jobId: j.id, memberId: j.memberId })), queuedAhead: ahead };
  }

  /** Resolves when every job of the turn has settled (never rejects). */
  whenDone(turnId: string): Promise<TurnOutcome> {
    const turn = this.turns.get(turnId);
    if (turn) return turn.done;
    const outcome = this.finished.get(turnId);
    if (outcome) return Promise.resolve(outcome);
    return Promise.reject(new Error(`Unknown turn ${turnId}.`));
  }

  /** Cancels a turn (or one member's part of it): queued jobs leave the queue, running engines are told to stop. */
  cancel(turnId: string, memberId?: string): void {
    const turn = this.turns.get(turnId);
    if (!turn) return;
    const now = this.clock.now();
    for (const job of turn.jobs) {
      if (memberId !== undefined && job.memberId !== memberId) continue;
      switch (job.phase) {
        case 'queued':
          this.queue.remove(job);
          this.settle(job, 'cancelled', null, null);
          break;
        case 'loading':
          // The load goes on (the model will be useful); the job just will not start.
          this.settle(job, 'cancelled', null, null);
          break;
        case 'running':
          job.phase = 'cancelling';
          job.cancelRequestedAtMs = now;
          this.audit('cancel', `Stopping ${this.label(job.memberId)} (turn ${turnId}).`, false, { memberId: job.memberId, turnId, jobId: job.id });
          job.controller?.abort();
          break;
        default:
          break;
      }
    }
    this.pump();
  }

  // ── adaptation ─────────────────────────────────────────────────────────────────────────────────

  /** Feeds one sample of the page's frame time, CPU and memory to the adaptation rules, and acts on them. */
  observe(sample: AdaptationSample): void {
    const step = adapt(this.adaptationState, sample, { size: this.tierConcurrency(), cap: this.baseCap() }, this.adaptationConfig);
    this.adaptationState = step.state;
    for (const action of step.actions) {
      switch (action.kind) {
        case 'shrink':
          this.adaptLimit = action.to;
          this.growthOffer = null;
          this.audit('scale', action.message, true, { data: { concurrency: action.to, cause: 'frames' } });
          break;
        case 'offer-growth':
          this.growthOffer = action.to;
          this.audit('scale', `${action.message} Accept to grow the council?`, true, { data: { offer: action.to, cause: 'idle' } });
          break;
        case 'pause-loads':
          this.loadsPausedReason = action.message;
          this.audit('defer', action.message, true, { data: { cause: 'memory' } });
          this.flushIdleMembers();
          break;
        case 'resume-loads':
          this.loadsPausedReason = null;
          this.audit('recover', action.message, true, { data: { cause: 'memory' } });
          break;
      }
    }
    this.pump();
  }

  /** The user accepted the offer to run one more member at once. */
  acceptGrowth(): void {
    if (this.growthOffer === null) return;
    const to = this.growthOffer;
    this.growthOffer = null;
    this.adaptLimit = to >= this.baseCap() ? null : to;
    this.audit('scale', `The council runs ${to} member${to === 1 ? '' : 's'} at once now.`, true, { data: { concurrency: to, cause: 'user' } });
    this.pump();
  }

  // ── state ──────────────────────────────────────────────────────────────────────────────────────

  snapshot(): SchedulerSnapshot {
    const ledger = this.ledger();
    return {
      atMs: this.clock.now(),
      members: [...this.members.values()].map((m) => this.memberSnapshot(m)),
      queued: this.queue.length,
      queueCapacity: this.queue.capacity,
      running: this.activeCount(),
      concurrency: this.concurrency(),
      budgetBytes: this.options.budget.bytes,
      learnedBudgetBytes: this.learnedBudget,
      usedBytes: usedBytes(ledger),
      overloaded: this.queue.isOverloaded,
      loadsPausedReason: this.loadsPausedReason,
      alpha: this.alpha().alpha,
      remoteAlpha: this.remoteAlpha(),
      fairness: Object.fromEntries(fairnessByGroup(this.throughput)),
      samples: this.samplesByGroup(),
    };
  }

  /** Members that may generate at once right now. */
  concurrency(): number {
    const tier = this.tierConcurrency();
    const mode = this.burstMode(tier);
    return mode === 'sequential' ? 1 : tier;
  }

  /** Stops everything: queued and running jobs are cancelled, every worker is ended. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error: JobError = { code: 'shutdown', message: 'The scheduler shut down.' };
    for (const entry of this.queue.removeWhere(() => true)) this.settle(entry.item, 'cancelled', null, error);
    for (const member of this.members.values()) {
      const job = member.job;
      this.dropWorker(member, 'The scheduler shut down.');
      if (job) this.settle(job, 'cancelled', null, error);
      this.setState(member, 'unloaded');
    }
    if (this.watchdogTimer !== null) this.clock.clearTimeout(this.watchdogTimer);
    this.watchdogTimer = null;
  }

  // ── dispatch ───────────────────────────────────────────────────────────────────────────────────

  private pump(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        this.dispatch();
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
    if (this.queue.checkRecovery()) {
      this.audit('recover', `The queue has room again (${this.queue.length} of ${this.queue.capacity} waiting): new prompts are accepted.`, true, {
        data: { queued: this.queue.length },
      });
    }
    this.armWatchdog();
  }

  private dispatch(): void {
    let active = this.activeCount('local');
    const limit = this.concurrency();
    const remoteActive = this.remoteActive();
    // Members a deferred job waits for (so that they fall idle), and members whose earlier job is waiting.
    const reserved = new Set<string>();
    const blocked = new Set<string>();
    for (const entry of this.queue.entries()) {
      const job = entry.item;
      const member = this.members.get(job.memberId);
      if (!member || member.state === 'removed') {
        this.queue.remove(job);
        this.settle(job, 'failed', null, { code: 'member-removed', message: `${this.label(job.memberId)} is no longer in the council.` });
        continue;
      }
      const remote = member.config.remote;
      if (remote ? (remoteActive.get(remote.endpointId) ?? 0) >= Math.max(1, remote.slots) : active >= limit) continue;
      if (reserved.has(member.config.id) || blocked.has(member.config.id)) continue;
      if (member.job || (member.state !== 'idle' && member.state !== 'unloaded')) {
        blocked.add(member.config.id);
        continue;
      }
      if (remote) {
        // Nothing to admit: a remote member takes no memory here, only one of its endpoint's slots.
        job.entry = this.queue.remove(job);
        if (member.state === 'idle') this.startJob(member, job);
        else this.beginLoad(member, job, [], `Connecting ${member.config.label} (${new URL(remote.connection.baseUrl).host}).`);
        remoteActive.set(remote.endpointId, (remoteActive.get(remote.endpointId) ?? 0) + 1);
        continue;
      }
      if (member.state === 'idle') {
        job.entry = this.queue.remove(job);
        this.startJob(member, job);
        active++;
        continue;
      }
      const ledger = this.ledger();
      const decision = admit(
        ledger,
        { memberId: member.config.id, label: member.config.label, footprintBytes: member.footprintBytes },
        { bytes: this.budgetBytes(), perModelMaxBytes: this.options.budget.perModelMaxBytes },
        { maxResident: this.residentCap(), tierLabel: this.profile.label },
        this.loadsPausedReason,
      );
      switch (decision.action) {
        case 'load':
          job.entry = this.queue.remove(job);
          this.beginLoad(member, job, [], decision.message);
          active++;
          break;
        case 'evict': {
          job.entry = this.queue.remove(job);
          const freed = decision.evict.map((e) => this.evict(this.members.get(e.memberId)!, decision.message));
          this.beginLoad(member, job, freed, `Loading ${member.config.label} (${formatBytes(member.footprintBytes)}) once ${decision.evict.map((e) => e.label).join(', ')} ${decision.evict.length > 1 ? 'are' : 'is'} unloaded.`);
          active++;
          break;
        }
        case 'defer':
          blocked.add(member.config.id);
          if (decision.reason !== 'paused') {
            for (const id of decision.waitFor) reserved.add(id);
            for (const idle of evictionOrder(ledger)) reserved.add(idle.memberId);
          }
          if (job.deferMessage !== decision.message) {
            job.deferMessage = decision.message;
            this.audit('defer', decision.message, true, { memberId: member.config.id, turnId: job.turn.id, jobId: job.id, data: { reason: decision.reason } });
          }
          break;
        case 'refuse': {
          this.queue.remove(job);
          const learned = this.learnedBudget !== null && this.learnedBudget < this.options.budget.bytes;
          const message = learned ? `${decision.message} (The budget was lowered after a real out-of-memory.)` : decision.message;
          this.audit('refuse', message, true, { memberId: member.config.id, turnId: job.turn.id, jobId: job.id });
          this.settle(job, 'failed', null, { code: 'too-large', message });
          break;
        }
      }
    }
  }

  private startJob(member: Member, job: Job): void {
    const transport = member.transport;
    if (!transport) throw new Error(`startJob: ${member.config.id} has no worker`);
    const now = this.clock.now();
    if (job.phase === 'queued') job.attempts++;
    job.phase = 'running';
    job.startedAtMs = now;
    job.lastProgressAtMs = now;
    job.deferMessage = null;
    member.job = job;
    member.lastUsedAtMs = now;
    this.setState(member, 'busy');
    this.changeGenerating(+1, job);
    const controller = new AbortController();
    job.controller = controller;
    const epoch = member.epoch;
    transport
      .generate(
        generateRequestFor(job.turn.request, job.memberId),
        (token) => {
          if (member.epoch !== epoch || (job.phase !== 'running' && job.phase !== 'cancelling')) return;
          const at = this.clock.now();
          job.lastProgressAtMs = at;
          job.tokensReceived++;
          member.lastUsedAtMs = at;
          const out: TokenOut = { turnId: job.turn.id, jobId: job.id, memberId: job.memberId, text: token.text, index: token.index, atMs: at };
          if (job.turn.gate) job.turn.gate.push(job.id, out);
          else this.deliver(job, out);
        },
        controller.signal,
      )
      .then(
        (result) => this.onGenerated(member, epoch, job, result),
        (error: unknown) => this.onGenerateFailed(member, epoch, job, error),
      );
  }

  private deliver(job: Job, token: TokenOut): void {
    job.tokensDelivered++;
    this.events.token?.(token);
  }

  private onGenerated(member: Member, epoch: number, job: Job, result: GenerationResult): void {
    if (member.epoch !== epoch) return;
    const now = this.clock.now();
    this.changeGenerating(-1, job);
    member.job = null;
    member.lastUsedAtMs = now;
    member.consecutiveFailures = 0;
    this.setState(member, 'idle');
    if (job.startedAtMs !== null) this.serviceTimes.record(now - job.startedAtMs);
    const cancelled = job.phase === 'cancelling' || result.finishReason === 'aborted';
    if (!cancelled) this.recordThroughput(job, result, now);
    this.settle(job, cancelled ? 'cancelled' : 'done', result, null);
    this.pump();
  }

  private onGenerateFailed(member: Member, epoch: number, job: Job, error: unknown): void {
    if (member.epoch !== epoch || isTransportError(error, 'terminated')) return;
    const label = member.config.label;
    if (isTransportError(error, 'crashed') || isEngineLost(error)) {
      this.memberLost(member, 'member-crashed', `${label} crashed (${error.message})`);
      return;
    }
    if (isOutOfMemoryError(error)) {
      this.lowerBudget(usedBytes(this.ledger()), 0, `${label} ran out of memory while generating`);
      this.memberLost(member, 'out-of-memory', `${label} ran out of memory while generating`);
      return;
    }
    this.changeGenerating(-1, job);
    member.job = null;
    // A server saying it is busy is no fault of the member: it must not wear out its restarts.
    if (!isRateLimited(error)) member.consecutiveFailures++;
    this.setState(member, 'idle');
    const message = error instanceof Error ? error.message : String(error);
    if (job.phase === 'cancelling') this.settle(job, 'cancelled', null, null);
    else this.settle(job, 'failed', null, { code: 'generation-failed', message: `${label} failed: ${message}` });
    const repeated = repeatedFailure(label, member.consecutiveFailures, this.restartPolicy);
    if (repeated !== null) {
      this.memberLost(member, 'generation-failed', repeated);
      return;
    }
    this.pump();
  }

  // ── loading and eviction ───────────────────────────────────────────────────────────────────────

  private beginLoad(member: Member, job: Job, freeing: Promise<void>[], message: string): void {
    const now = this.clock.now();
    if (job.phase === 'queued') job.attempts++;
    job.phase = 'loading';
    job.deferMessage = null;
    member.job = job;
    member.lastLoadProgressAtMs = now;
    member.lastUsedAtMs = now;
    const epoch = ++member.epoch;
    this.setState(member, 'loading');
    this.audit('load', message, false, { memberId: member.config.id, turnId: job.turn.id, jobId: job.id, data: { bytes: member.footprintBytes } });
    const go = (): void => {
      if (member.epoch !== epoch) return;
      let transport: MemberTransport;
      try {
        transport = this.options.createTransport(member.config);
      } catch (error) {
        this.onLoadFailed(member, epoch, error);
        return;
      }
      member.transport = transport;
      member.lastLoadProgressAtMs = this.clock.now();
      transport.onExit((reason) => {
        if (member.transport === transport) this.memberLost(member, 'member-crashed', `${member.config.label} crashed (${reason})`);
      });
      transport
        .load({ modelId: member.config.modelId, device: member.config.device, ...(member.config.remote ? { remote: member.config.remote.connection } : {}) }, (progress) => {
          if (member.epoch !== epoch) return;
          member.lastLoadProgressAtMs = this.clock.now();
          this.events.loadProgress?.(member.config.id, progress);
        })
        .then(
          (info) => this.onLoaded(member, epoch, info),
          (error: unknown) => this.onLoadFailed(member, epoch, error),
        );
    };
    if (freeing.length === 0) go();
    else void Promise.all(freeing).then(go);
  }

  private onLoaded(member: Member, epoch: number, info: LoadInfo): void {
    if (member.epoch !== epoch) return;
    const declared = member.footprintBytes;
    member.loadInfo = info;
    if (info.footprintBytes > 0) member.footprintBytes = info.footprintBytes;
    member.consecutiveFailures = 0;
    const job = member.job;
    member.job = null;
    this.setState(member, 'idle');
    this.audit('loaded', `${member.config.label} is loaded (${formatBytes(member.footprintBytes)}, ${Math.round(info.loadMs)} ms).`, false, {
      memberId: member.config.id,
      data: { bytes: member.footprintBytes, declaredBytes: declared, loadMs: info.loadMs },
    });
    if (member.footprintBytes > declared && usedBytes(this.ledger()) > this.budgetBytes()) {
      this.audit('budget', `${member.config.label} takes ${formatBytes(member.footprintBytes)}, more than the ${formatBytes(declared)} expected: the council is over its memory budget until a member is unloaded.`, true, {
        memberId: member.config.id,
      });
    }
    if (job && job.phase === 'loading') this.startJob(member, job);
    this.pump();
  }

  private onLoadFailed(member: Member, epoch: number, error: unknown): void {
    if (member.epoch !== epoch || isTransportError(error, 'terminated')) return;
    const label = member.config.label;
    if (isTransportError(error, 'crashed') || isEngineLost(error)) {
      this.memberLost(member, 'member-crashed', `${label} crashed while loading (${error.message})`);
      return;
    }
    const job = member.job;
    const others = usedBytes({ entries: this.ledger().entries.filter((e) => e.memberId !== member.config.id) });
    this.dropWorker(member, `${label} failed to load`);
    this.setState(member, 'unloaded');
    const message = error instanceof Error ? error.message : String(error);
    if (isOutOfMemoryError(error)) {
      this.lowerBudget(others, member.footprintBytes, `Loading ${label} ran out of memory`);
      if (job && job.phase === 'loading') {
        if (!job.oomRetried) {
          job.oomRetried = true;
          this.requeue(job, `${label} will try again within the lowered budget.`);
        } else {
          this.settle(job, 'failed', null, { code: 'out-of-memory', message: `${label} ran out of memory while loading, twice: ${message}` });
        }
      }
    } else {
      member.consecutiveFailures++;
      if (job && job.phase === 'loading') this.settle(job, 'failed', null, { code: 'load-failed', message: `${label} could not be loaded: ${message}` });
    }
    this.pump();
  }

  /** Unloads a member and ends its worker (WASM memory only shrinks when its worker goes). */
  private evict(member: Member, reason: string): Promise<void> {
    const epoch = ++member.epoch;
    const transport = member.transport;
    this.setState(member, 'unloading');
    this.audit('evict', reason, false, { memberId: member.config.id, data: { bytes: member.footprintBytes, lastUsedAtMs: finiteOrNull(member.lastUsedAtMs) } });
    const unloaded = transport ? this.withTimeout(transport.unload(), this.watchdogSettings.unloadTimeoutMs).catch(() => undefined) : Promise.resolve();
    return unloaded.then(() => {
      transport?.terminate('evicted');
      if (member.epoch === epoch) {
        member.transport = null;
        member.loadInfo = null;
        if (member.state === 'unloading') this.setState(member, 'unloaded');
      }
      this.pump();
    });
  }

  /** Unloads idle members that nobody is waiting for (memory pressure). */
  private flushIdleMembers(): void {
    const waitedFor = new Set(this.queue.entries().map((e) => e.item.memberId));
    for (const member of this.members.values()) {
      if (member.state === 'idle' && !waitedFor.has(member.config.id)) void this.evict(member, `${member.config.label} is unloaded to free memory.`);
    }
  }

  // ── faults ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * The member's worker is gone (crashed, hung and killed, out of memory): its job is retried where safe
   * or fails with a sentence; the member gets a fresh worker on next use, or leaves the council when it
   * has used up its restarts.
   */
  private memberLost(member: Member, code: SchedulerErrorCode, what: string): void {
    const job = member.job;
    if (job && (job.phase === 'running' || job.phase === 'cancelling')) this.changeGenerating(-1, job);
    this.dropWorker(member, what);
    const now = this.clock.now();
    const decision = restartOrRemove({ label: member.config.label, what, restartTimesMs: member.restartTimes, nowMs: now }, this.restartPolicy);
    member.restartTimes = decision.restartTimesMs;
    const id = member.config.id;
    if (decision.action === 'restart') {
      member.consecutiveFailures = 0;
      this.setState(member, 'unloaded');
      this.audit('restart', decision.notice, true, { memberId: id, data: { code } });
    } else {
      this.setState(member, 'removed');
      this.audit('remove', decision.notice, true, { memberId: id, data: { code } });
    }
    if (job && !job.outcome) {
      const jobFate = faultedJobFate(
        {
          cancelling: job.phase === 'cancelling',
          retryAllowed: job.turn.request.retry !== false,
          attempts: job.attempts,
          tokensReceived: job.tokensReceived,
          tokensDelivered: job.tokensDelivered,
        },
        what,
        decision,
      );
      if (jobFate.action === 'cancel') this.settle(job, 'cancelled', null, null);
      else if (jobFate.action === 'retry') this.requeue(job, jobFate.message);
      else this.settle(job, 'failed', null, { code, message: jobFate.message });
    }
    if (decision.action === 'remove') {
      for (const entry of this.queue.removeWhere((j) => j.memberId === id)) {
        this.settle(entry.item, 'failed', null, { code: 'member-removed', message: decision.queuedMessage });
      }
    }
    this.pump();
  }

  private requeue(job: Job, message: string): void {
    job.phase = 'queued';
    job.controller = null;
    job.startedAtMs = null;
    job.lastProgressAtMs = this.clock.now();
    this.audit('retry', message, false, { memberId: job.memberId, turnId: job.turn.id, jobId: job.id, data: { attempt: job.attempts + 1 } });
    const entry = job.entry ?? { item: job, priority: job.priority, seq: -1 };
    this.queue.requeue(entry);
  }

  /** Ends the member's worker and forgets it; the caller decides the member's next state. */
  private dropWorker(member: Member, reason: string): void {
    member.epoch++;
    const transport = member.transport;
    member.transport = null;
    member.loadInfo = null;
    member.job = null;
    transport?.terminate(reason);
  }

  private lowerBudget(residentBytes: number, attemptedBytes: number, what: string): void {
    const before = this.budgetBytes();
    const after = learnBudgetFromOom(before, residentBytes, attemptedBytes);
    if (after >= before) return;
    this.learnedBudget = after;
    this.audit(
      'budget',
      `${what} with ${formatBytes(residentBytes + attemptedBytes)} in use: the memory budget is lowered from ${formatBytes(before)} to ${formatBytes(after)}.`,
      true,
      { data: { beforeBytes: before, afterBytes: after } },
    );
  }

  private armWatchdog(): void {
    if (this.watchdogTimer !== null || this.closed) return;
    const watching = [...this.members.values()].some((m) => m.job !== null);
    if (!watching) return;
    this.watchdogTimer = this.clock.setTimeout(() => {
      this.watchdogTimer = null;
      this.checkWatchdog();
      this.armWatchdog();
    }, this.watchdogSettings.checkEveryMs);
  }

  private checkWatchdog(): void {
    const now = this.clock.now();
    for (const member of [...this.members.values()]) {
      const job = member.job;
      if (!job) continue;
      const verdict = hangVerdict(
        {
          label: member.config.label,
          state: member.state,
          hasWorker: member.transport !== null,
          lastLoadProgressAtMs: member.lastLoadProgressAtMs,
          phase: job.phase,
          tokensReceived: job.tokensReceived,
          lastProgressAtMs: job.lastProgressAtMs,
          cancelRequestedAtMs: job.cancelRequestedAtMs,
        },
        now,
        this.watchdogSettings,
      );
      if (verdict) {
        this.audit('watchdog', `${verdict.message}: its worker is ended.`, false, { memberId: member.config.id, jobId: job.id, turnId: job.turn.id });
        this.memberLost(member, 'member-hung', verdict.message);
      }
    }
  }

  // ── settling ───────────────────────────────────────────────────────────────────────────────────

  private settle(job: Job, status: JobStatus, result: GenerationResult | null, error: JobError | null): void {
    if (job.outcome) return;
    job.phase = status;
    job.controller = null;
    const now = this.clock.now();
    job.outcome = {
      turnId: job.turn.id,
      jobId: job.id,
      memberId: job.memberId,
      status,
      result,
      error,
      attempts: Math.max(1, job.attempts),
      queuedAtMs: job.queuedAtMs,
      startedAtMs: job.startedAtMs,
      endedAtMs: now,
      tokensDelivered: job.tokensDelivered,
    };
    if (status === 'failed' && error) this.audit('fail', error.message, true, { memberId: job.memberId, turnId: job.turn.id, jobId: job.id, data: { code: error.code } });
    if (job.turn.gate) job.turn.gate.end(job.id);
    else this.endJob(job);
  }

  /** After the job's last token has been delivered. */
  private endJob(job: Job): void {
    const outcome = job.outcome;
    if (!outcome) return;
    outcome.tokensDelivered = job.tokensDelivered;
    this.events.jobEnd?.(outcome);
    const turn = job.turn;
    if (++turn.ended < turn.jobs.length) return;
    const turnOutcome: TurnOutcome = { turnId: turn.id, jobs: turn.jobs.map((j) => j.outcome!) };
    this.turns.delete(turn.id);
    this.finished.set(turn.id, turnOutcome);
    if (this.finished.size > FINISHED_TURNS_KEPT) this.finished.delete(this.finished.keys().next().value!);
    turn.resolve(turnOutcome);
    this.events.turnEnd?.(turnOutcome);
  }

  // ── policy inputs ──────────────────────────────────────────────────────────────────────────────

  private ledger(): Ledger {
    const entries: LedgerEntry[] = [];
    for (const m of this.members.values()) {
      const state = LEDGER_STATE[m.state];
      // A remote member's model lives on its server: it neither uses this budget nor a resident place.
      if (state && !m.config.remote) entries.push({ memberId: m.config.id, label: m.config.label, footprintBytes: m.footprintBytes, lastUsedAtMs: m.lastUsedAtMs, state });
    }
    return { entries };
  }

  private budgetBytes(): number {
    return effectiveBudget(this.options.budget.bytes, this.learnedBudget);
  }

  /** The tier's cap: 1 when serial; the stretch cap when the whole council fits the budget together; or the user's override. */
  private baseCap(): number {
    const live = [...this.members.values()].filter((m) => m.state !== 'removed');
    return tierCap({
      override: this.options.concurrencyOverride ?? null,
      council: this.profile.council,
      footprintsBytes: live.map((m) => m.footprintBytes),
      budgetBytes: this.budgetBytes(),
    });
  }

  /** The cap after adaptation, before the burst plan. */
  private tierConcurrency(): number {
    return adaptedCap(this.baseCap(), this.adaptLimit);
  }

  private residentCap(): number {
    return residentCap(this.profile.memory.maxResidentModels, this.baseCap());
  }

  private burstMode(limit: number): 'parallel' | 'sequential' {
    const { alpha, tps1 } = this.alpha();
    const { mode, reason } = chooseBurst({ setting: this.options.burstMode ?? 'auto', limit, alpha, tps1 });
    if (mode !== this.lastBurstMode) {
      this.lastBurstMode = mode;
      this.audit('scale', reason, true, { data: { burst: mode } });
    }
    return mode;
  }

  private alphas(): Map<ContentionGroup, AlphaEstimate> {
    this.alphaCache ??= estimateAlphaByGroup(this.throughput);
    return this.alphaCache;
  }

  /** This device's α: the burst plan is about local members, which share its cores. */
  private alpha(): { alpha: number | null; tps1: number | null } {
    return this.alphas().get('local') ?? { alpha: null, tps1: null };
  }

  private remoteAlpha(): Record<string, number | null> {
    const byEndpoint: Record<string, number | null> = {};
    for (const [group, estimate] of this.alphas()) if (group !== 'local') byEndpoint[group.slice('remote:'.length)] = estimate.alpha;
    return byEndpoint;
  }

  private samplesByGroup(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const s of this.throughput) counts[s.group] = (counts[s.group] ?? 0) + 1;
    return counts;
  }

  private groupOf(job: Job): ContentionGroup {
    return contentionGroupOf(this.members.get(job.memberId)?.config.remote?.endpointId);
  }

  private recordThroughput(job: Job, result: GenerationResult, now: number): void {
    const tps = streamTps(result.tokenTimesMs);
    const started = job.startedAtMs;
    if (tps === null || started === null || now <= started) return;
    const concurrent = job.concurrencyArea / (now - started);
    this.throughput.push({ group: this.groupOf(job), memberId: job.memberId, concurrent: Math.max(1, Math.round(concurrent)), streamTps: tps });
    if (this.throughput.length > THROUGHPUT_SAMPLES_KEPT) this.throughput.shift();
    this.alphaCache = null;
  }

  /** Keeps each running job's ∫ generating dt up to date, then changes the count. */
  private changeGenerating(delta: number, job: Job): void {
    const now = this.clock.now();
    const group = this.groupOf(job);
    const generating = this.generating.get(group) ?? 0;
    for (const member of this.members.values()) {
      const running = member.job;
      if (!running || running.startedAtMs === null || (running.phase !== 'running' && running.phase !== 'cancelling')) continue;
      if ((running === job && delta > 0) || this.groupOf(running) !== group) continue;
      running.concurrencyArea += generating * (now - running.areaSinceMs);
      running.areaSinceMs = now;
    }
    if (delta > 0) job.areaSinceMs = now;
    else {
      job.concurrencyArea += generating * (now - job.areaSinceMs);
      job.areaSinceMs = now;
    }
    this.generating.set(group, Math.max(0, generating + delta));
  }

  /** Members with a job: all of them, or only those that count against the tier's cap (local ones). */
  private activeCount(which: 'all' | 'local' = 'all'): number {
    let n = 0;
    for (const m of this.members.values()) if (m.job && !m.job.outcome && (which === 'all' || !m.config.remote)) n++;
    return n;
  }

  /** Requests in flight per remote endpoint. */
  private remoteActive(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of this.members.values()) {
      const remote = m.config.remote;
      if (remote && m.job && !m.job.outcome) counts.set(remote.endpointId, (counts.get(remote.endpointId) ?? 0) + 1);
    }
    return counts;
  }

  // ── output ─────────────────────────────────────────────────────────────────────────────────────

  private audit(kind: AuditKind, message: string, notice: boolean, extra: Partial<Pick<AuditEvent, 'memberId' | 'turnId' | 'jobId' | 'data'>> = {}): void {
    this.events.audit?.({ seq: this.auditSeq++, atMs: this.clock.now(), kind, message, notice, ...extra });
  }

  private setState(member: Member, state: MemberState): void {
    if (member.state === state) return;
    member.state = state;
    this.emitMember(member);
  }

  private emitMember(member: Member): void {
    if (this.events.member) this.events.member(this.memberSnapshot(member));
  }

  private memberSnapshot(m: Member): MemberSnapshot {
    const now = this.clock.now();
    return {
      id: m.config.id,
      label: m.config.label,
      state: m.state,
      footprintBytes: m.footprintBytes,
      lastUsedAtMs: Number.isFinite(m.lastUsedAtMs) ? m.lastUsedAtMs : 0,
      recentRestarts: recentRestarts(m.restartTimes, now, this.restartPolicy.windowMs).length,
      consecutiveFailures: m.consecutiveFailures,
      load: m.loadInfo,
    };
  }

  private label(memberId: string): string {
    return this.members.get(memberId)?.config.label ?? memberId;
  }

  private jobOf(turn: Turn, jobId: string): Job {
    return turn.jobs.find((j) => j.id === jobId)!;
  }

  private withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      promise.then(
        (v) => {
          this.clock.clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          this.clock.clearTimeout(timer);
          reject(e);
        },
      );
    });
  }
}

/** Which member states hold memory, and how the ledger sees them. */
const LEDGER_STATE: Readonly<Record<MemberState, LedgerState | null>> = {
  unloaded: null,
  loading: 'loading',
  idle: 'idle',
  busy: 'busy',
  unloading: 'unloading',
  removed: null,
};

/**
 * A member's engine request: its conversation where the turn gives one, with the prompt set to the new
 * user message for engines that read no conversation; otherwise the raw prompt.
 */
export function generateRequestFor(request: TurnRequest, memberId: string): GenerateRequest {
  const { prompt, maxNewTokens } = request;
  // Own keys only: a member called "constructor" must not find the object prototype's.
  const messages = request.messages && Object.prototype.hasOwnProperty.call(request.messages, memberId) ? request.messages[memberId] : undefined;
  if (!messages) return { prompt, maxNewTokens };
  return { prompt: messages[messages.length - 1]!.content, maxNewTokens, messages };
}

function finiteOrNull(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}
