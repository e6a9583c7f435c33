/**
 * A plugin's budget: what it cost (accounting over a sliding window) and what the host does about it
 * (the rule). Both are pure over plain data and a clock the caller passes in, so the rule is tested
 * with tables and a hand-driven clock, and the host only carries out what it returns.
 *
 * The rule, per plugin, judged on its demand: what its events would cost it were none held back (its
 * measured cost per event × the events offered to it, delivered or held back, per frame, plus the page's
 * time compositing its layer), or its measured cost per frame where that is more:
 * - over `frameMs` per frame → throttled: rationed to `rationMs` per frame, a quarter of its budget
 *   (`mayDeliver`), a batch at most every `throttleStride` frames and only while its measured cost in
 *   the window is within the ration;
 * - over it for `pauseAfterMs` → paused, with a notice naming it and its cost; a dip under the budget
 *   shorter than `dipToleranceMs` does not restart that clock (see `applyBudget`). Judged on its
 *   measured cost, a rationed plugin would read at its ration, under the budget, and never be paused;
 * - more messages from it than `messagesPerSecond` → disabled, judged on each message's arrival too
 *   (`judgeMessages`) and before the answer limit: a worker busy posting messages is flooding, not silent;
 * - a batch unanswered for `answerTimeoutMs` → its worker is terminated and it is disabled;
 * - more memory than `memoryBytes` → disabled;
 * - it crashed → disabled with its error;
 * - back under `frameMs / 2` for `recoverAfterMs` → a throttled plugin runs every frame again.
 *
 * Its first `warmupBatches` answered batches are not charged (`CostMeter`): they pay for compiling its
 * code and its first drawing, once, and charged they throttled a plugin that is cheap from then on for
 * the rest of a short run. They still have the answer limit, so a plugin cannot hide work there.
 */

export interface BudgetLimits {
  frameMs: number;
  /** What a throttled plugin may cost per frame while its pause clock runs: a plugin already over its budget keeps only this much of a core. */
  rationMs: number;
  pauseAfterMs: number;
  /** Readings under the budget for less than this do not end an over-budget stretch. */
  dipToleranceMs: number;
  answerTimeoutMs: number;
  recoverAfterMs: number;
  throttleStride: number;
  windowMs: number;
  /** The window must hold at least this much history before cost per frame is judged. */
  minJudgedMs: number;
  messagesPerSecond: number;
  memoryBytes: number;
  /** Answered batches after its start that are its warm-up and not charged. */
  warmupBatches: number;
}

export const DEFAULT_LIMITS: BudgetLimits = {
  frameMs: 5,
  rationMs: 1.25,
  pauseAfterMs: 5000,
  dipToleranceMs: 1000,
  answerTimeoutMs: 1000,
  recoverAfterMs: 2000,
  throttleStride: 4,
  windowMs: 1000,
  minJudgedMs: 200,
  messagesPerSecond: 240,
  memoryBytes: 256 * 1024 * 1024,
  warmupBatches: 1,
};

// ── accounting ───────────────────────────────────────────────────────────────────────────────────

interface Stamped {
  at: number;
  value: number;
}

interface Answered extends Stamped {
  /** The events of the batch it answered. */
  events: number;
}

/**
 * Sliding-window sums of one plugin's costs. Arrays of small records; trimmed on every read or write.
 * The window is `windowMs` or the last `minFrames` page frames, whichever reaches further back: on a
 * page drawing few frames (a loaded machine) a second holds one or two, and a throttled plugin's
 * batch, four frames apart, would fall between windows and read as free.
 *
 * Cost per frame is judged over the frames since the plugin last got events after none in the window
 * (its onset), when that is later: the idle frames before it had anything to do are not frames it
 * spent, and counting them put off the judgement of a plugin that starts burning time at once by
 * 0.3 s on a 60 FPS page and by more than 1 s on a loaded one drawing 7 (its 30 frames reach back 4 s).
 * Events per second keep the whole window; messages per second are over the last `windowMs` of time.
 *
 * Events are counted as offered to the plugin: those delivered and those a throttle held back, each
 * counted once, at the batch that took it or would have. Its demand per frame is its cost per event
 * (the window's answered batches, or the last one known) times those events.
 *
 * The first `warmupBatches` batches it answers are its warm-up: their time is neither charged nor used
 * as its cost per event. The rhythm strip's first batch (its code compiled,
 * its first bitmap) took 132 ms where the next took 0.1 ms, and throttled it for the rest of a 40-token run.
 */
export class CostMeter {
  private work: Answered[] = [];
  private composite: Stamped[] = [];
  private frames: number[] = [];
  private events: Stamped[] = [];
  private held: Stamped[] = [];
  private lastCostPerEvent = 0;
  private messages: number[] = [];
  private since: number | null = null;
  /** Every busy-per-frame figure judged, for p50/p95 (a ring of the last 600). */
  private readonly perFrameHistory: number[] = [];
  private warmupLeft: number;

  private from = Number.NEGATIVE_INFINITY;
  private onset = Number.NEGATIVE_INFINITY;

  private readonly minFrames: number;

  constructor(
    private readonly windowMs: number,
    { minFrames = 30, warmupBatches = 0 }: { minFrames?: number; warmupBatches?: number } = {},
  ) {
    this.minFrames = minFrames;
    this.warmupLeft = warmupBatches;
  }

  start(now: number): void {
    this.since = now;
  }

  frame(now: number): void {
    this.frames.push(now);
    this.trim(now);
  }

  /** The worker answered a batch of `events` events: `busyMs` of its own time. */
  answered(now: number, busyMs: number, events: number): void {
    const value = Math.max(0, busyMs);
    if (this.warmupLeft > 0) {
      this.warmupLeft--;
      return;
    }
    this.work.push({ at: now, value, events });
    if (events > 0) this.lastCostPerEvent = value / events;
    this.trim(now);
  }

  composited(now: number, ms: number): void {
    this.composite.push({ at: now, value: Math.max(0, ms) });
  }

  /** Events offered to it: delivered in a batch, or `held` back by the throttle from the batch it would have had. */
  offered(now: number, count: number, held = false): void {
    if (count <= 0) return;
    this.trim(now);
    if (this.events.length === 0) this.onset = now;
    this.events.push({ at: now, value: count });
    if (held) this.held.push({ at: now, value: count });
  }

  message(now: number): void {
    this.messages.push(now);
  }

  /** The window's figures now. */
  read(now: number): CostReading {
    this.trim(now);
    const sum = (xs: Stamped[]) => xs.reduce((s, x) => (x.at >= this.onset ? s + x.value : s), 0);
    const span = this.since === null ? 0 : now - Math.max(this.since, this.from);
    const judged = this.since === null ? 0 : now - Math.max(this.since, this.from, this.onset);
    const counted = this.frames.reduce((n, t) => (t >= this.onset ? n + 1 : n), 0);
    const frames = Math.max(1, counted);
    const workMs = sum(this.work);
    const compositeMs = sum(this.composite);
    const perSecond = (n: number) => (span > 0 ? (n * 1000) / span : 0);
    const all = (xs: Stamped[]) => xs.reduce((s, x) => s + x.value, 0);
    const messageSpan = this.since === null ? 0 : Math.min(this.windowMs, now - this.since);
    const answeredEvents = this.work.reduce((n, x) => n + x.events, 0);
    const costPerEvent = answeredEvents > 0 ? all(this.work) / answeredEvents : this.lastCostPerEvent;
    const offered = sum(this.events);
    return {
      spanMs: judged,
      frames: counted,
      msPerFrame: (workMs + compositeMs) / frames,
      workerMsPerFrame: workMs / frames,
      compositeMsPerFrame: compositeMs / frames,
      demandMsPerFrame: (costPerEvent * offered + compositeMs) / frames,
      costPerEventMs: costPerEvent,
      eventsOffered: offered,
      eventsHeld: sum(this.held),
      eventsPerSecond: perSecond(all(this.events)),
      messagesPerSecond: messageSpan > 0 ? (this.messages.length * 1000) / messageSpan : 0,
      messagesInWindow: this.messages.length,
    };
  }

  /** Keeps a per-frame figure for the live p50/p95 the panel shows. */
  record(msPerFrame: number): void {
    this.perFrameHistory.push(msPerFrame);
    if (this.perFrameHistory.length > 600) this.perFrameHistory.shift();
  }

  percentiles(): { p50: number; p95: number } {
    if (this.perFrameHistory.length === 0) return { p50: 0, p95: 0 };
    const sorted = [...this.perFrameHistory].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return { p50: at(0.5), p95: at(0.95) };
  }

  private trim(now: number): void {
    const byFrames = this.frames.length >= this.minFrames ? this.frames[this.frames.length - this.minFrames]! : Number.NEGATIVE_INFINITY;
    const from = Math.min(now - this.windowMs, byFrames);
    this.from = from;
    while (this.work.length > 0 && this.work[0]!.at < from) this.work.shift();
    while (this.composite.length > 0 && this.composite[0]!.at < from) this.composite.shift();
    while (this.frames.length > 0 && this.frames[0]! < from) this.frames.shift();
    while (this.events.length > 0 && this.events[0]!.at < from) this.events.shift();
    while (this.held.length > 0 && this.held[0]!.at < from) this.held.shift();
    // A rate is per second of time: the frames' reach would spread a flood's second over all of it.
    while (this.messages.length > 0 && this.messages[0]! < now - this.windowMs) this.messages.shift();
  }
}

export interface CostReading {
  /** How much history cost per frame is judged over (less than the window just after a start or an onset). */
  spanMs: number;
  /** The page frames that cost is divided by. */
  frames: number;
  msPerFrame: number;
  workerMsPerFrame: number;
  compositeMsPerFrame: number;
  /** What its events would cost per frame were none held back: cost per event × events offered, plus compositing. */
  demandMsPerFrame: number;
  costPerEventMs: number;
  /** Events offered since the onset (delivered and held back), and of them held back. */
  eventsOffered: number;
  eventsHeld: number;
  /** Events offered per second over the window. */
  eventsPerSecond: number;
  messagesPerSecond: number;
  messagesInWindow: number;
}

// ── the rule ─────────────────────────────────────────────────────────────────────────────────────

export type PluginRunState = 'running' | 'throttled' | 'paused' | 'disabled';

export interface BudgetState {
  state: PluginRunState;
  /** When its cost first went over the budget in the current over-budget stretch. */
  overSince: number | null;
  /** When the readings under the budget began that, once `dipToleranceMs` long, end that stretch. */
  dipSince: number | null;
  /** When its cost first went under half the budget while throttled. */
  underSince: number | null;
  /** Since when it has had no events in the window, inside an over-budget stretch (absent otherwise). */
  idleSince?: number;
}

export const INITIAL_BUDGET_STATE: BudgetState = { state: 'running', overSince: null, dipSince: null, underSince: null };

export interface BudgetSample {
  now: number;
  cost: CostReading;
  /** When the batch still unanswered was sent; null when none is in flight. */
  inFlightSince: number | null;
  /** Memory the plugin is known to hold (store, layer, large buffers its worker reported); null when unknown. */
  memoryBytes: number | null;
  /** The plugin's error when its worker crashed (uncaught error, failed load); null otherwise. */
  crashed: string | null;
}

export type BudgetAction = 'throttle' | 'unthrottle' | 'pause' | 'terminate' | 'disable';

export interface BudgetDecision {
  action: BudgetAction;
  /** Why, in words, with the figures (for the audit log and the notice). */
  reason: string;
  cause: 'frame-cost' | 'recovered' | 'unresponsive' | 'crash' | 'flood' | 'memory';
}

export interface BudgetStep {
  state: BudgetState;
  decision: BudgetDecision | null;
}

const f1 = (x: number) => x.toFixed(1);

const floodDecision = (cost: CostReading, limits: BudgetLimits): BudgetDecision | null =>
  cost.messagesPerSecond > limits.messagesPerSecond && cost.messagesInWindow > limits.messagesPerSecond * (limits.windowMs / 1000) * 0.25
    ? { action: 'terminate', cause: 'flood', reason: `sent ${Math.round(cost.messagesPerSecond)} messages/s (limit ${limits.messagesPerSecond})` }
    : null;

const ended = (decision: BudgetDecision): BudgetStep => ({
  state: { state: decision.action === 'pause' ? 'paused' : 'disabled', overSince: null, dipSince: null, underSince: null },
  decision,
});

/**
 * The message-rate part of the rule, for the moment a message arrives: a flood is ended while it
 * floods. Judged only once a frame, a flood from a worker that never returns from its batch could
 * outlast the answer limit first, or keep the page busy receiving until the next frame.
 */
export function judgeMessages(prev: BudgetState, cost: CostReading, limits: BudgetLimits = DEFAULT_LIMITS): BudgetStep {
  if (prev.state === 'disabled' || prev.state === 'paused') return { state: prev, decision: null };
  const flood = floodDecision(cost, limits);
  return flood ? ended(flood) : { state: prev, decision: null };
}

/**
 * What the rule judges: its demand, or what it measurably cost where that is more (a batch answered
 * in the window whose events were offered before it began).
 */
export const judgedMsPerFrame = (cost: CostReading): number => Math.max(cost.msPerFrame, cost.demandMsPerFrame);

/**
 * The throttle's ration: whether a plugin may have its next batch now. A running plugin always; a
 * throttled one only while what it measurably cost in the window is within its ration, so that over
 * the window it takes no more than that of a core, whatever its events would cost it. Its demand
 * keeps counting the events held back, so holding them back neither hides its cost nor delays its pause.
 *
 * The ration is a quarter of the budget, not all of it: a throttled plugin has shown it wants more than
 * its budget and is paused 5 s later unless it recovers, and at the full 5 ms of every frame a heavy
 * plugin kept a third of a core from the engines for those 5 s (on two cores, a sixth of the machine).
 */
export function mayDeliver(state: BudgetState, cost: CostReading, limits: BudgetLimits = DEFAULT_LIMITS): boolean {
  if (state.state === 'running') return true;
  if (state.state !== 'throttled') return false;
  return cost.msPerFrame <= limits.rationMs;
}

/**
 * How many of its waiting events a plugin may have in its next batch: all while running; rationed, as
 * many as its ration over the frames a throttled batch spans pays for at its cost per event, at least
 * one. Held back for seconds, a stream's tokens merge but each turn's streams add events of their own,
 * and a batch of all of them is long work (20 events of the heavy plugin are 400 ms) that on a loaded
 * machine can run past the 1 s answer limit: in one scenario-3 run without this bound the rationed
 * heavy plugin was terminated instead of paused. The rest wait, in order, for the next batch.
 */
export function rationedBatchSize(state: BudgetState, cost: CostReading, limits: BudgetLimits = DEFAULT_LIMITS): number {
  if (state.state !== 'throttled' || cost.costPerEventMs <= 0) return Number.POSITIVE_INFINITY;
  return Math.max(1, Math.floor((limits.rationMs * limits.throttleStride) / cost.costPerEventMs));
}

/** The stretch's clocks moved on by an idle gap, as if it had not happened. */
function resumedAfterIdle(state: BudgetState, gapMs: number): BudgetState {
  const later = (t: number | null) => (t === null ? null : t + gapMs);
  return { state: state.state, overSince: later(state.overSince), dipSince: later(state.dipSince), underSince: later(state.underSince) };
}

const costWords = (cost: CostReading, limits: BudgetLimits): string => {
  const measured = `measured ${f1(cost.msPerFrame)} (worker ${f1(cost.workerMsPerFrame)}, compositing ${f1(cost.compositeMsPerFrame)})`;
  const held = cost.eventsHeld > 0 ? `, ${cost.eventsHeld} held back` : '';
  return `${f1(judgedMsPerFrame(cost))} ms per frame demanded (${f1(cost.costPerEventMs)} ms per event, ${cost.eventsOffered} events offered${held} over ${cost.frames} frames; ${measured}; budget ${limits.frameMs} ms)`;
};

/**
 * One step of the rule: the state after this sample and what the host must do, if anything. The host
 * takes a step once a frame and when a plugin's timing report arrives, so that on a page drawing few
 * frames its judgement waits for no frame.
 *
 * The pause clock runs from the first over-budget reading and is restarted only by readings under the
 * budget for `dipToleranceMs`: a plugin over budget while it has work dips under it in the gaps of
 * its event stream (between two turns, a batch leaving the window before the next is answered), and
 * a single such reading restarting the clock made a clearly heavy plugin's pause late by chance. A plugin is paused
 * only on a reading over the budget, so one under it is never paused.
 *
 * Time with no events in the window (a gap between turns longer than the window) is neither over nor
 * under: the stretch's clocks stop, and move on by the gap when events come again. Idle readings fall
 * under the budget as the last batches leave the window, and on a loaded page, where a turn's first
 * token took 2 s, such a gap ended the stretch of a plugin over budget whenever it had work, and its
 * pause came 7 s after its first events instead of 5.
 */
export function applyBudget(prev: BudgetState, sample: BudgetSample, limits: BudgetLimits = DEFAULT_LIMITS): BudgetStep {
  if (prev.state === 'disabled' || prev.state === 'paused') return { state: prev, decision: null };
  const off = (action: BudgetAction, cause: BudgetDecision['cause'], reason: string): BudgetStep => ended({ action, cause, reason });
  if (sample.crashed !== null) return off('disable', 'crash', `crashed: ${sample.crashed}`);
  const { cost } = sample;
  const flood = floodDecision(cost, limits);
  if (flood) return ended(flood);
  if (sample.inFlightSince !== null && sample.now - sample.inFlightSince >= limits.answerTimeoutMs) {
    return off('terminate', 'unresponsive', `no answer for ${Math.round(sample.now - sample.inFlightSince)} ms (limit ${limits.answerTimeoutMs} ms)`);
  }
  if (sample.memoryBytes !== null && sample.memoryBytes > limits.memoryBytes) {
    return off('terminate', 'memory', `holds ${Math.round(sample.memoryBytes / 1048576)} MiB (limit ${Math.round(limits.memoryBytes / 1048576)} MiB)`);
  }
  if (cost.eventsPerSecond === 0 && prev.overSince !== null) return { state: { ...prev, idleSince: prev.idleSince ?? sample.now }, decision: null };
  const state = prev.idleSince === undefined ? prev : resumedAfterIdle(prev, sample.now - prev.idleSince);
  if (cost.spanMs < limits.minJudgedMs) return { state, decision: null };
  const judged = judgedMsPerFrame(cost);
  const over = judged > limits.frameMs;
  const dipSince = over || state.overSince === null ? null : (state.dipSince ?? sample.now);
  const dipEnded = dipSince !== null && sample.now - dipSince >= limits.dipToleranceMs;
  const overSince = over ? (state.overSince ?? sample.now) : dipEnded ? null : state.overSince;
  const stretch = { overSince, dipSince: dipEnded ? null : dipSince };
  const words = costWords(cost, limits);
  if (over && sample.now - overSince! >= limits.pauseAfterMs) {
    return off('pause', 'frame-cost', `over budget for ${((sample.now - overSince!) / 1000).toFixed(1)} s: ${words}`);
  }
  if (over && state.state === 'running') {
    return { state: { state: 'throttled', ...stretch, underSince: null }, decision: { action: 'throttle', cause: 'frame-cost', reason: `${words}; rationed to ${limits.rationMs} ms per frame, batches at most every ${limits.throttleStride} frames` } };
  }
  if (state.state === 'throttled' && !over) {
    const calm = judged <= limits.frameMs / 2;
    const underSince = calm ? (state.underSince ?? sample.now) : null;
    if (calm && sample.now - underSince! >= limits.recoverAfterMs) {
      return { state: { ...INITIAL_BUDGET_STATE }, decision: { action: 'unthrottle', cause: 'recovered', reason: `under ${f1(limits.frameMs / 2)} ms per frame for ${limits.recoverAfterMs / 1000} s: ${words}` } };
    }
    return { state: { state: 'throttled', ...stretch, underSince }, decision: null };
  }
  return { state: { state: state.state, ...stretch, underSince: null }, decision: null };
}
