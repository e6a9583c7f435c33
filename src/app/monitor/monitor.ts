/**
 * The page's monitor: what the stats overlay shows, what the live charts draw and the alerts it
 * raises. It reads the one frame loop (where it runs last in each frame) and the token feed, and polls
 * the council's scheduler once a second; it publishes a few times a second, never per token. The
 * rules it applies are the pure ones in `alert-rules.ts`; each alert goes to the UI and to the audit
 * log (IndexedDB `wirthforge-audit`) with the mitigation it names.
 */
import { effect, signal, type ReadonlySignal } from '@preact/signals';
import type { AuditEvent, SchedulerSnapshot } from '../../scheduler/protocol.ts';
import type { TierProfile } from '../../tiers/index.ts';
import type { FrameLoop } from '../perf/frame-loop.ts';
import type { TokenFeed } from '../perf/token-feed.ts';
import type { PaneStatus, TurnView } from '../council/council-store.ts';
import type { QualityChoice, VisualQuality } from '../quality/quality-rule.ts';
import {
  FAILURE_RULE,
  FAILURE_RULE_START,
  FPS_RULE_START,
  MEMORY_RULE,
  MITIGATION_WORDS,
  PROMPT_RULE_START,
  fpsMitigations,
  fpsRuleConfig,
  judgePrompt,
  stepFailureRule,
  stepFpsRule,
  fpsSampleToJudge,
  stepMemoryRule,
  type Alert,
  type AlertRule,
  type Mitigation,
  type PromptRuleState,
} from './alert-rules.ts';
import { readJsHeap, UaMemoryProbe, type JsHeap, type UaMemory } from './memory-probe.ts';
import { LaneRates, RateEstimator, type LaneRate } from './rate-estimator.ts';
import { FrameIntervals, RingSeries } from './series.ts';
import type { DiagnosisInput } from './diagnosis.ts';

/** What the monitor needs from the session (src/app/session.ts). */
export interface MonitoredSession {
  lastRun: ReadonlySignal<{ pageTtftMs: number; ttftMs: number; finishReason: string } | null>;
  engineFailures: ReadonlySignal<number>;
  /** A single-model run is going (the "Why?" of a slow answer offers to stop it). */
  generating?: ReadonlySignal<boolean>;
}

/** What the monitor needs from the council (src/app/council.ts). */
export interface MonitoredCouncil {
  turns: ReadonlySignal<TurnView[]>;
  running: ReadonlySignal<boolean>;
  /** "Adapt to frame rate": the scheduler may shrink the council when frames run late. */
  adapt: ReadonlySignal<boolean>;
  snapshot(): Promise<SchedulerSnapshot | null>;
}

/** The canvas's visual quality, as far as an alert needs it; null when the canvas is off. */
export interface MonitoredQuality {
  choice: ReadonlySignal<QualityChoice>;
  level: ReadonlySignal<VisualQuality>;
  canvasPaused: ReadonlySignal<boolean>;
}

export interface AuditSink {
  append(event: AuditEvent): void;
}

export interface LiveStats {
  lanes: LaneRate[];
  combinedTps: number;
  /** Token-feed events (token pieces and stream starts/ends) per second. */
  eventsPerSecond: number;
  /** Frames that applied at least one token-feed event, per second. */
  batchesPerSecond: number;
  /** The last single-model run: time to first token as the page saw it, and as the engine measured it. */
  sessionTtft: { pageMs: number; engineMs: number } | null;
  /** The last council turn: from the turn being accepted to its first token (queue and loading included). */
  councilFirstTokenMs: number | null;
  lastCompletion: { source: 'session' | 'council'; ms: number } | null;
  scheduler: Pick<SchedulerSnapshot, 'queued' | 'queueCapacity' | 'running' | 'concurrency' | 'usedBytes' | 'budgetBytes' | 'learnedBudgetBytes'> | null;
  jsHeap: JsHeap | null;
  uaMemory: UaMemory;
}

export interface AlertView extends Alert {
  id: number;
}

export interface MonitorPreferences {
  overlayOpen: boolean;
  chartsOpen: boolean;
}

const PREFERENCES_KEY = 'wirthforge.monitor';
const FPS_SAMPLE_MS = 250;
const PUBLISH_MS = 500;
const CHART_MS = 1000;
/** Five minutes at one sample a second. */
export const CHART_CAPACITY = 300;
const ALERTS_KEPT = 8;
/** The monitor runs after every other frame subscriber, so it sees the frame's whole cost. */
const FRAME_ORDER = 1000;

export const CHART_SERIES = {
  tps: ['combined', 'single model', 'council', 'target per model', 'target combined'],
  latency: ['TTFT', 'completion', 'TTFT goal', 'P95 completion goal'],
  frames: ['p50', 'p95', 'target frame time', 'floor frame time'],
} as const;

function readPreferences(): MonitorPreferences {
  try {
    const stored = JSON.parse(localStorage.getItem(PREFERENCES_KEY) ?? '{}') as Partial<MonitorPreferences>;
    return { overlayOpen: stored.overlayOpen === true, chartsOpen: stored.chartsOpen === true };
  } catch {
    return { overlayOpen: false, chartsOpen: false };
  }
}

const FINAL: ReadonlySet<PaneStatus> = new Set(['done', 'failed', 'cancelled']);

export class Monitor {
  readonly overlayOpen;
  readonly chartsOpen;
  readonly stats = signal<LiveStats>({
    lanes: [],
    combinedTps: 0,
    eventsPerSecond: 0,
    batchesPerSecond: 0,
    sessionTtft: null,
    councilFirstTokenMs: null,
    lastCompletion: null,
    scheduler: null,
    jsHeap: null,
    uaMemory: { state: 'unavailable' },
  });
  readonly alerts = signal<AlertView[]>([]);
  readonly charts = {
    tps: new RingSeries(CHART_CAPACITY, CHART_SERIES.tps),
    latency: new RingSeries(CHART_CAPACITY, CHART_SERIES.latency),
    frames: new RingSeries(CHART_CAPACITY, CHART_SERIES.frames),
  };
  /** Bumped once a second when the chart rings got a sample. */
  readonly chartVersion = signal(0);

  private readonly laneRates = new LaneRates();
  private readonly eventRate = new RateEstimator();
  private readonly batchRate = new RateEstimator();
  private readonly frames = new FrameIntervals();
  private readonly uaMemory = new UaMemoryProbe();
  private eventsThisFrame = 0;
  private lastFpsSample = 0;
  private lastPublish = 0;
  private lastChart = 0;
  private fpsRule = FPS_RULE_START;
  private memoryFiring = false;
  private failureRule = FAILURE_RULE_START;
  private pendingFailures: number[] = [];
  private promptRules: Record<'session' | 'council', PromptRuleState> = { session: PROMPT_RULE_START, council: PROMPT_RULE_START };
  private sessionStarts = new Map<string, number>();
  /** The single-model stream that just ended, until its run record tells how it finished. */
  private sessionEnd: { completionMs: number; ttftMs: number | null; at: number } | null = null;
  private streamFirstToken = new Map<string, number>();
  private turnSeen = new Map<string, number>();
  private turnJudged = new Set<string>();
  private failedJobs = new Set<string>();
  private snapshot: SchedulerSnapshot | null = null;
  private snapshotPending = false;
  /** A completed prompt's latencies, drawn at the next chart sample. */
  private latencyPoint: { ttftMs: number | null; completionMs: number } | null = null;
  private lastCompletion: LiveStats['lastCompletion'] = null;
  private councilFirstTokenMs: number | null = null;
  private alertSeq = 0;
  private started = false;
  private readonly disposers: (() => void)[] = [];
  private readonly now: () => number;

  constructor(
    private readonly deps: {
      frameLoop: FrameLoop;
      tokenFeed: TokenFeed;
      session: MonitoredSession;
      council: MonitoredCouncil;
      quality: MonitoredQuality | null;
      /** The tier's profile once known (null before detection). */
      profile: ReadonlySignal<TierProfile | null>;
      /** The app's own start-up work (its lists, the calibration) is holding the frames back: not judged. */
      startingUp?: ReadonlySignal<boolean>;
      audit: AuditSink;
      /** The page's clock (performance.now()); the frame loop's timestamps are on the same one. */
      now?: () => number;
    },
  ) {
    this.now = deps.now ?? (() => performance.now());
    const preferences = readPreferences();
    this.overlayOpen = signal(preferences.overlayOpen);
    this.chartsOpen = signal(preferences.chartsOpen);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const { frameLoop, tokenFeed, session, council } = this.deps;
    this.disposers.push(frameLoop.subscribe(({ now, deltaMs }) => this.onFrame(now, deltaMs), FRAME_ORDER));
    this.disposers.push(tokenFeed.subscribe({
      tokens: (event) => {
        this.eventsThisFrame++;
        this.eventRate.add(event.at, 1);
        this.laneRates.add(event.lane, event.label, event.at, event.tokens);
        if (!this.streamFirstToken.has(event.streamId)) this.streamFirstToken.set(event.streamId, event.at);
      },
      stream: (event) => {
        this.eventsThisFrame++;
        this.eventRate.add(event.at, 1);
        if (event.lane !== 'session') return;
        if (event.kind === 'start') {
          this.sessionStarts.set(event.streamId, event.at);
          this.sessionEnd = null;
        } else this.sessionEnded(event.streamId, event.at);
      },
    }));
    let failuresSeen = session.engineFailures.peek();
    this.disposers.push(effect(() => {
      const failures = session.engineFailures.value;
      for (; failuresSeen < failures; failuresSeen++) this.pendingFailures.push(this.now());
    }));
    this.disposers.push(effect(() => this.watchTurns(council.turns.value)));
    this.disposers.push(effect(() => {
      const run = session.lastRun.value;
      const end = this.sessionEnd;
      this.sessionEnd = null;
      // A stopped run did not complete: its time says nothing about how slow prompts are.
      if (run && end && run.finishReason !== 'aborted') this.promptCompleted('session', end.completionMs, end.ttftMs, end.at);
    }));
    this.disposers.push(effect(() => {
      const preferences: MonitorPreferences = { overlayOpen: this.overlayOpen.value, chartsOpen: this.chartsOpen.value };
      try {
        localStorage.setItem(PREFERENCES_KEY, JSON.stringify(preferences));
      } catch {
        // Private mode or a full quota: the toggles still work, they are just not remembered.
      }
    }));
  }

  /** Stops listening to the frame loop, the token feed and the stores; the monitor is done. */
  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
    this.started = false;
  }

  /** The frame loop's summary of its last window (what the overlay shows). */
  get frameSummary(): FrameLoop['summary'] {
    return this.deps.frameLoop.summary;
  }

  toggleOverlay(): void {
    this.overlayOpen.value = !this.overlayOpen.value;
  }

  toggleCharts(): void {
    this.chartsOpen.value = !this.chartsOpen.value;
  }

  /** This page's figures now, for an alert's "Why?" (diagnosis.ts); read in a render, it re-renders as they change. */
  diagnosisInput(alert: AlertView): DiagnosisInput {
    const summary = this.deps.frameLoop.summary.value;
    const quality = this.deps.quality;
    const snapshot = this.snapshot;
    const heap = this.stats.value.jsHeap;
    return {
      alert,
      frames: summary.frames === 0 ? null : { fps: summary.fps, frameP95Ms: summary.frameMs.p95, busyP95Ms: summary.busyMs.p95, lateFraction: summary.lateFraction },
      quality: quality ? { choice: quality.choice.value, level: quality.level.value } : null,
      council: { running: this.deps.council.running.value, runningMembers: snapshot?.running ?? null, concurrency: snapshot?.concurrency ?? null },
      singleRunGoing: this.deps.session.generating?.value ?? false,
      memory: { heapUsedBytes: heap?.usedBytes ?? null, heapLimitBytes: heap?.limitBytes ?? null, ledgerUsedBytes: snapshot?.usedBytes ?? null, ledgerBudgetBytes: snapshot?.budgetBytes ?? null },
      engineFailures: this.deps.session.engineFailures.value,
    };
  }

  dismissAlert(id: number): void {
    this.alerts.value = this.alerts.peek().filter((a) => a.id !== id);
  }

  dismissAllAlerts(): void {
    this.alerts.value = [];
  }

  /**
   * Debug and end-to-end tests only: a stand-in for a page that cannot keep up. Busy-waits `busyMs`
   * inside every frame for `forMs`, so FPS really drops and the real rule sees it.
   */
  debugSlowFrames(busyMs: number, forMs: number): void {
    const until = this.now() + forMs;
    const unsubscribe = this.deps.frameLoop.subscribe(({ now }) => {
      if (now > until) {
        unsubscribe();
        return;
      }
      const end = performance.now() + busyMs;
      while (performance.now() < end) {
        // Spinning on purpose: this is the slow frame.
      }
    }, 0);
  }

  private onFrame(now: number, deltaMs: number): void {
    this.frames.add(deltaMs);
    if (this.eventsThisFrame > 0) {
      this.batchRate.add(now, 1);
      this.eventsThisFrame = 0;
    }
    if (now - this.lastFpsSample >= FPS_SAMPLE_MS) {
      this.lastFpsSample = now;
      this.checkFps(now);
    }
    if (now - this.lastPublish >= PUBLISH_MS) {
      this.lastPublish = now;
      this.publish(now);
    }
    if (now - this.lastChart >= CHART_MS) {
      this.lastChart = now;
      this.everySecond(now);
    }
  }

  private checkFps(now: number): void {
    const profile = this.deps.profile.value;
    const config = fpsRuleConfig(profile?.frames.floorFps ?? null);
    const sample = fpsSampleToJudge(this.frames.takeFps(now), this.deps.startingUp?.peek() ?? false);
    const step = stepFpsRule(this.fpsRule, sample, config);
    this.fpsRule = step.state;
    if (!step.fired) return;
    const fps = sample.fps ?? 0;
    const snapshot = this.snapshot;
    const quality = this.deps.quality;
    const mitigations = fpsMitigations({
      qualityCanDrop: quality !== null && quality.choice.peek() === 'auto' && quality.level.peek() !== 'lite',
      canvasCanPause: quality !== null && quality.choice.peek() === 'auto' && quality.level.peek() === 'lite' && !quality.canvasPaused.peek(),
      councilRunning: this.deps.council.running.peek(),
      councilConcurrency: snapshot?.concurrency ?? 1,
      councilAdapts: this.deps.council.adapt.peek(),
    });
    this.raise('fps-low', now, `Frame rate fell to ${fps.toFixed(0)} FPS, below ${config.belowFps} FPS for over ${config.forMs / 1000} s.`, fps, config.belowFps, mitigations);
  }

  private publish(now: number): void {
    const { lanes, combined } = this.laneRates.rates(now);
    const run = this.deps.session.lastRun.peek();
    const snapshot = this.snapshot;
    if (this.overlayOpen.peek()) this.uaMemory.measureIfDue(now);
    this.stats.value = {
      lanes,
      combinedTps: combined,
      eventsPerSecond: this.eventRate.rate(now),
      batchesPerSecond: this.batchRate.rate(now),
      sessionTtft: run ? { pageMs: run.pageTtftMs, engineMs: run.ttftMs } : null,
      councilFirstTokenMs: this.councilFirstTokenMs,
      lastCompletion: this.lastCompletion,
      scheduler: snapshot && {
        queued: snapshot.queued,
        queueCapacity: snapshot.queueCapacity,
        running: snapshot.running,
        concurrency: snapshot.concurrency,
        usedBytes: snapshot.usedBytes,
        budgetBytes: snapshot.budgetBytes,
        learnedBudgetBytes: snapshot.learnedBudgetBytes,
      },
      jsHeap: readJsHeap(),
      uaMemory: this.uaMemory.latest,
    };
  }

  private everySecond(now: number): void {
    this.pollScheduler();
    this.checkMemory(now);
    this.checkFailures(now);
    this.sampleCharts(now);
  }

  private pollScheduler(): void {
    if (this.snapshotPending) return;
    this.snapshotPending = true;
    this.deps.council
      .snapshot()
      .then(
        (snapshot) => (this.snapshot = snapshot),
        () => (this.snapshot = null),
      )
      .finally(() => (this.snapshotPending = false));
  }

  private checkMemory(now: number): void {
    const heap = readJsHeap();
    const snapshot = this.snapshot;
    const budget = snapshot ? (snapshot.learnedBudgetBytes ?? snapshot.budgetBytes) : 0;
    const readings: { what: string; fraction: number }[] = [];
    if (heap) readings.push({ what: 'JS heap', fraction: heap.usedBytes / heap.limitBytes });
    if (snapshot && budget > 0) readings.push({ what: 'model memory ledger', fraction: snapshot.usedBytes / budget });
    const worst = readings.reduce<{ what: string; fraction: number } | null>((a, b) => (a === null || b.fraction > a.fraction ? b : a), null);
    const step = stepMemoryRule(this.memoryFiring, worst?.fraction ?? null);
    this.memoryFiring = step.firing;
    if (!step.fired || !worst) return;
    const mitigations: Mitigation[] = snapshot?.loadsPausedReason ? ['defer-loads'] : ['none'];
    this.raise('memory-high', now, `Memory use is at ${(worst.fraction * 100).toFixed(0)} % (${worst.what}), above ${MEMORY_RULE.above * 100} %.`, worst.fraction, MEMORY_RULE.above, mitigations);
  }

  private checkFailures(now: number): void {
    const failures = this.pendingFailures;
    this.pendingFailures = [];
    const step = stepFailureRule(this.failureRule, now, failures);
    this.failureRule = step.state;
    if (!step.fired) return;
    const councilFailed = this.deps.council.turns.peek().some((t) => t.jobs.some((j) => j.status === 'failed'));
    this.raise(
      'engine-failures',
      now,
      `Engines failed ${step.recent} times within the last minute.`,
      step.recent,
      FAILURE_RULE.count,
      councilFailed ? ['restart-member'] : ['none'],
    );
  }

  private sampleCharts(now: number): void {
    const at = (performance.timeOrigin + now) / 1000;
    const { lanes, combined } = this.laneRates.rates(now);
    const session = lanes.find((l) => l.lane === 'session')?.tokensPerSecond ?? null;
    const councilLanes = lanes.filter((l) => l.lane !== 'session');
    const council = councilLanes.length === 0 ? null : councilLanes.reduce((sum, l) => sum + l.tokensPerSecond, 0);
    const profile = this.deps.profile.value;
    const targets = profile?.targets;
    this.charts.tps.push(at, [combined, session, council, targets?.decodeTps.perModel ?? null, targets?.decodeTps.combined ?? null]);
    const point = this.latencyPoint;
    this.latencyPoint = null;
    this.charts.latency.push(at, [point?.ttftMs ?? null, point?.completionMs ?? null, targets?.ttftMs.goal ?? null, targets?.p95CompletionMs.goal ?? null]);
    const frameTimes = this.frames.takeFrameTimes();
    const frames = profile?.frames;
    this.charts.frames.push(at, [frameTimes.p50, frameTimes.p95, frames ? 1000 / frames.targetFps : null, frames ? 1000 / frames.floorFps : null]);
    this.chartVersion.value++;
  }

  private sessionEnded(streamId: string, at: number): void {
    const start = this.sessionStarts.get(streamId);
    this.sessionStarts.delete(streamId);
    const first = this.streamFirstToken.get(streamId);
    this.streamFirstToken.delete(streamId);
    if (start === undefined) return;
    this.sessionEnd = { completionMs: at - start, ttftMs: first === undefined ? null : first - start, at };
  }

  /**
   * Council turns: timed from the page's first sight of the accepted turn until every job is final.
   * Only turns whose jobs all completed count as prompts (a cancelled or failed one is no measure).
   */
  private watchTurns(turns: TurnView[]): void {
    const now = this.now();
    for (const turn of turns) {
      if (!this.turnSeen.has(turn.turnId)) this.turnSeen.set(turn.turnId, now);
      for (const job of turn.jobs) {
        if (job.status === 'failed' && !this.failedJobs.has(job.jobId)) {
          this.failedJobs.add(job.jobId);
          this.pendingFailures.push(now);
        }
      }
      if (this.turnJudged.has(turn.turnId) || !turn.jobs.every((j) => FINAL.has(j.status))) continue;
      this.turnJudged.add(turn.turnId);
      const seen = this.turnSeen.get(turn.turnId)!;
      const firsts = turn.jobs.map((j) => this.streamFirstToken.get(j.jobId)).filter((t): t is number => t !== undefined);
      for (const job of turn.jobs) this.streamFirstToken.delete(job.jobId);
      const firstToken = firsts.length === 0 ? null : Math.min(...firsts) - seen;
      if (firstToken !== null) this.councilFirstTokenMs = firstToken;
      if (turn.jobs.every((j) => j.status === 'done')) this.promptCompleted('council', now - seen, firstToken, now);
    }
    // The council keeps its last few turns: forget the ones it no longer shows.
    const shown = new Set(turns.map((t) => t.turnId));
    for (const id of this.turnSeen.keys()) if (!shown.has(id)) this.turnSeen.delete(id);
    for (const id of this.turnJudged) if (!shown.has(id)) this.turnJudged.delete(id);
  }

  private promptCompleted(source: 'session' | 'council', completionMs: number, ttftMs: number | null, now: number): void {
    this.lastCompletion = { source, ms: completionMs };
    this.latencyPoint = { ttftMs, completionMs };
    const verdict = judgePrompt(this.promptRules[source], completionMs);
    this.promptRules[source] = verdict.state;
    if (!verdict.fired) return;
    const what = source === 'session' ? 'A single-model prompt' : 'A council turn';
    const why =
      verdict.reason === 'over-absolute'
        ? 'over 5 s'
        : `over twice the average of the previous ones (${((verdict.averageMs ?? 0) / 1000).toFixed(1)} s)`;
    this.raise('slow-prompt', now, `${what} took ${(completionMs / 1000).toFixed(1)} s, ${why}.`, completionMs, verdict.reason === 'over-absolute' ? 5000 : 2 * (verdict.averageMs ?? 0), ['none']);
  }

  private raise(rule: AlertRule, at: number, message: string, value: number, threshold: number, mitigations: Mitigation[]): void {
    const alert: AlertView = { id: ++this.alertSeq, rule, at, message, value, threshold, mitigations };
    // peek: an alert raised inside an effect (a council turn, a run record) must not subscribe it to the list.
    this.alerts.value = [alert, ...this.alerts.peek()].slice(0, ALERTS_KEPT);
    this.deps.audit.append({
      seq: alert.id,
      atMs: at,
      kind: 'alert',
      message: `${message} Mitigation: ${mitigations.map((m) => MITIGATION_WORDS[m]).join('; ')}.`,
      notice: true,
      data: { rule, value, threshold, mitigation: mitigations.join(',') },
    });
  }
}
