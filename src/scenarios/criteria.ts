/**
 * Each scenario's pass criteria (docs/spec.md, Load scenarios; the tier profiles in src/tiers) as pure
 * functions over what its runner measured. A criterion says its target with the number and where the
 * number comes from, and what was measured, so a reader can check the verdict by hand.
 */
import type { TierProfile } from '../tiers/index.ts';
import { formatMetric, metricOf, type PlateauVerdict } from './measure.ts';
import type { Criterion, Metric, ScenarioStatus } from './types.ts';

/** docs/spec.md, Load scenarios: a sustained stream holds at least 80 % of the tier's decode target. */
export const SUSTAINED_TPS_FRACTION = 0.8;
/** docs/spec.md, Load scenarios: in a burst each request takes at most ~1.5× its solo latency. */
export const BURST_SOLO_FACTOR = 1.5;
/** No drift: the last third of a marathon may be at most this much slower than its first third. */
export const DRIFT_FACTOR = 1.2;
/** Fair share: healthy members' delivered tokens differ by at most this share. */
export const FAIR_SHARE_TOLERANCE = 0.1;
/** docs/scheduler.md: the scheduler's cost per token event, ≤ 0.5 ms mean and ≤ 2 ms p99. */
export const OVERHEAD_EVENT_P99_MS = 2;
/** A peer measured 1–3 ms per council turn step; we aim well under it (docs/spec.md, Scheduler overhead and queued requests). */
export const OVERHEAD_PER_STEP_MS = 1;
/** A queued request ends within this factor (plus a fixed slack for timers) of the ideal FIFO time. */
export const QUEUE_LATENCY_FACTOR = 1.5;
export const QUEUE_LATENCY_SLACK_MS = 100;

export function statusOf(criteria: readonly Criterion[]): ScenarioStatus {
  if (criteria.length === 0) return 'error';
  return criteria.every((c) => c.pass) ? 'pass' : 'fail';
}

const ms = (x: number) => `${Math.round(x)} ms`;
const pct = (x: number) => `${Math.round(100 * x)} %`;

/** The value a "held" rate is judged by: p5 with 20 runs or more, otherwise the slowest run. */
export function heldValue(metric: Metric): number {
  return metric.n >= 20 && metric.p5 !== undefined ? metric.p5 : metric.min;
}

// ── token agreement ──────────────────────────────────────────────────────────────────────────────

export interface Agreement {
  model: string;
  /** Token pieces by index, per device. */
  wasm: readonly string[];
  webgpu: readonly string[];
}

export interface AgreementVerdict {
  agree: boolean;
  compared: number;
  /** Index of the first token that differs (or where one sequence ended early); null when they agree. */
  firstMismatch: number | null;
}

/** Greedy decoding is deterministic: both devices must emit the same tokens, one for one. */
export function compareTokens(a: readonly string[], b: readonly string[]): AgreementVerdict {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return { agree: false, compared: n, firstMismatch: i };
  }
  return { agree: n > 0, compared: n, firstMismatch: n > 0 ? null : 0 };
}

export function agreementCriterion(a: Agreement): Criterion {
  const v = compareTokens(a.wasm, a.webgpu);
  const show = (xs: readonly string[], i: number) => JSON.stringify(xs.slice(Math.max(0, i - 2), i + 3).join(''));
  return {
    name: `Greedy tokens agree, WASM vs WebGPU (${a.model})`,
    target: "identical tokens, one for one, each compared as its decoded piece (the engine contract gives no ids); greedy decoding is deterministic",
    measured: v.agree
      ? `${v.compared} of ${v.compared} tokens identical`
      : v.compared === 0
        ? 'no tokens to compare'
        : `differ from token ${v.firstMismatch}: WASM ${show(a.wasm, v.firstMismatch!)} vs WebGPU ${show(a.webgpu, v.firstMismatch!)} (${a.wasm.length} vs ${a.webgpu.length} tokens)`,
    pass: v.agree,
  };
}

// ── 1. sustained stream ──────────────────────────────────────────────────────────────────────────

export interface SustainedInput {
  profile: TierProfile;
  decodeTps: Metric;
  ttftMs: Metric;
  memory: PlateauVerdict;
  memoryWhat: string;
  agreements: Agreement[];
}

export function sustainedCriteria(input: SustainedInput): Criterion[] {
  const { profile, decodeTps, ttftMs, memory } = input;
  const floor = SUSTAINED_TPS_FRACTION * profile.targets.decodeTps.perModel;
  const held = heldValue(decodeTps);
  const mb = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
  const criteria: Criterion[] = [
    {
      name: 'Decode rate held',
      target: `every run ≥ ${floor.toFixed(0)} tok/s: 80 % of the ${profile.label} tier's ${profile.targets.decodeTps.perModel} tok/s (docs/spec.md); judged on ${decodeTps.n >= 20 ? 'p5' : 'the slowest run'}`,
      measured: `${held.toFixed(1)} tok/s; ${formatMetric(decodeTps)}`,
      pass: decodeTps.n > 0 && held >= floor,
    },
    {
      name: 'Time to first token',
      target: `median ≤ ${ms(profile.targets.ttftMs.limit)} (${profile.label} tier TTFT target, docs/spec.md)`,
      measured: formatMetric(ttftMs, 0),
      pass: ttftMs.n > 0 && ttftMs.median <= profile.targets.ttftMs.limit,
    },
    {
      name: 'Memory plateaus',
      target: `${input.memoryWhat}: last third of the run ≤ middle third + max(10 %, 4 MiB)`,
      measured: memory.judged ? `${mb(memory.earlierBytes)} → ${mb(memory.laterBytes)} (${memory.growthBytes >= 0 ? '+' : ''}${mb(memory.growthBytes)})` : 'too few memory samples to judge',
      pass: memory.judged && memory.plateau,
    },
  ];
  for (const a of input.agreements) criteria.push(agreementCriterion(a));
  return criteria;
}

/**
 * Against an inference server the tier's targets say nothing (they are this device's), so the stream
 * is judged against itself: the rate it started at held, TTFT steady, and no request failing.
 */
export const REMOTE_TTFT_P95_FACTOR = 2;
export const REMOTE_TTFT_SLACK_MS = 50;

export interface RemoteSustainedInput {
  /** Decode rate of each counted run, in the order they ran. */
  decodeTps: readonly number[];
  /**
   * Whose rate: the server's own where it reported one for every run (tokens arriving over the network
   * come in bunches, which is no change in decode speed), else the page's, from token arrivals.
   */
  decodeSource: 'server' | 'page';
  ttftMs: Metric;
  errors: { count: number; first: string | null };
}

export function remoteSustainedCriteria(input: RemoteSustainedInput): Criterion[] {
  const rates = input.decodeTps.filter((x) => Number.isFinite(x));
  const firstThird = rates.slice(0, Math.max(1, Math.ceil(rates.length / 3)));
  const start = metricOf(firstThird, 'tok/s').median;
  const all = rates.length > 0 ? metricOf(rates, 'tok/s') : null;
  const held = all ? heldValue(all) : Number.NaN;
  const floor = SUSTAINED_TPS_FRACTION * start;
  const { ttftMs } = input;
  const ttftHigh = ttftMs.n >= 20 && ttftMs.p95 !== undefined ? ttftMs.p95 : ttftMs.max;
  const ttftBound = REMOTE_TTFT_P95_FACTOR * ttftMs.median + REMOTE_TTFT_SLACK_MS;
  return [
    {
      name: 'Decode rate held',
      target: `${input.decodeSource === 'server' ? "the server's reported decode rate" : "the page's decode rate"}: every run ≥ 80 % of the stream's own first-third median (${rates.length > 0 ? `${floor.toFixed(1)} of ${start.toFixed(1)} tok/s` : 'no runs'}); a server has no tier target; judged on ${rates.length >= 20 ? 'p5' : 'the slowest run'}`,
      measured: all ? `${held.toFixed(1)} tok/s; ${formatMetric(all)}` : 'no run decoded two tokens or more',
      pass: rates.length >= 3 && held >= floor,
    },
    {
      name: 'Time to first token steady',
      target: `${ttftMs.n >= 20 ? 'p95' : 'slowest'} ≤ ${REMOTE_TTFT_P95_FACTOR}× its median + ${REMOTE_TTFT_SLACK_MS} ms (${ttftMs.n > 0 ? ms(ttftBound) : 'no runs'})`,
      measured: ttftMs.n > 0 ? `${ms(ttftHigh)}; ${formatMetric(ttftMs, 0)}` : 'no runs',
      pass: ttftMs.n > 0 && ttftHigh <= ttftBound,
    },
    {
      name: 'No errors',
      target: 'every request to the server answers (the stream stops at the first failure)',
      measured: input.errors.count === 0 ? '0 errors' : `${input.errors.count} error(s): ${input.errors.first ?? ''}`,
      pass: input.errors.count === 0,
    },
  ];
}

// ── 2. prompt burst ──────────────────────────────────────────────────────────────────────────────

export interface Interval {
  start: number;
  end: number;
}

/** The most intervals open at one instant (an interval ending as another starts does not overlap it). */
export function maxOverlap(intervals: readonly Interval[]): number {
  const points: [number, number][] = [];
  for (const i of intervals) {
    points.push([i.start, 1], [i.end, -1]);
  }
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, d] of points) {
    open += d;
    most = Math.max(most, open);
  }
  return most;
}

export interface BurstRound {
  /** Each burst request's generation interval (scheduler clock), in submit order. */
  intervals: Interval[];
  /** Each burst request's latency, submit to end. */
  latenciesMs: number[];
  burstWallMs: number;
  backToBackWallMs: number;
  soloMs: number;
  allDone: boolean;
}

export interface BurstInput {
  profile: TierProfile;
  /** Against an inference server: its declared slots decide (one slot queues, more run in parallel), not the tier. */
  serverSlots?: number;
  /** Members that may generate at once, as the scheduler reported. */
  concurrency: number;
  rounds: BurstRound[];
}

/** Low serialises (council of 1): the burst must queue. Mid and High must run it in parallel, and gain from it. */
export function burstRule(profile: TierProfile): 'queued' | 'parallel' {
  return profile.council.mode === 'serial' ? 'queued' : 'parallel';
}

export function burstRuleOf({ profile, serverSlots }: Pick<BurstInput, 'profile' | 'serverSlots'>): 'queued' | 'parallel' {
  if (serverSlots === undefined) return burstRule(profile);
  return serverSlots >= 2 ? 'parallel' : 'queued';
}

export function burstCriteria({ profile, serverSlots, concurrency, rounds }: BurstInput, burstWall: Metric, backToBack: Metric, worstOverSolo: Metric): Criterion[] {
  const who = serverSlots === undefined ? `${profile.label} tier` : `server with ${serverSlots} slot${serverSlots === 1 ? '' : 's'}`;
  const why = (spec: string) => (serverSlots === undefined ? ` (docs/spec.md: ${spec})` : '');
  const overlaps = rounds.map((r) => maxOverlap(r.intervals));
  const allDone = rounds.length > 0 && rounds.every((r) => r.allDone);
  const done: Criterion = {
    name: 'Every request answered',
    target: 'all burst requests end done (nothing lost)',
    measured: `${rounds.filter((r) => r.allDone).length} of ${rounds.length} rounds complete`,
    pass: allDone,
  };
  if (burstRuleOf({ profile, serverSlots }) === 'queued') {
    const inOrder = rounds.every((r) => r.intervals.every((iv, i) => i === 0 || iv.start >= r.intervals[i - 1]!.start));
    return [
      done,
      {
        name: 'Queued, one at a time',
        target: `${who}: at most 1 generating at once, in arrival order${why('queued on Low')}`,
        measured: `most at once: ${Math.max(0, ...overlaps)} (concurrency ${concurrency}); ${inOrder ? 'in arrival order' : 'out of arrival order'}`,
        pass: rounds.length > 0 && overlaps.every((o) => o <= 1) && inOrder,
      },
    ];
  }
  return [
    done,
    {
      name: 'Runs in parallel',
      target: `${who}: requests generate together${why('parallel on Mid/High')}`,
      measured: `most at once per round: ${overlaps.join(', ')} (concurrency ${concurrency})`,
      pass: rounds.length > 0 && overlaps.every((o) => o >= 2),
    },
    {
      name: 'Parallel beats back-to-back',
      target: 'burst wall time < the same requests back to back (medians)',
      measured: `${formatMetric(burstWall, 0)} vs ${formatMetric(backToBack, 0)}`,
      pass: burstWall.n > 0 && backToBack.n > 0 && burstWall.median < backToBack.median,
    },
    {
      name: 'Each ≤ 1.5× solo',
      target: `slowest request of a burst ≤ ${BURST_SOLO_FACTOR}× the solo latency (docs/spec.md), median over rounds`,
      measured: formatMetric(worstOverSolo, 2),
      pass: worstOverSolo.n > 0 && worstOverSolo.median <= BURST_SOLO_FACTOR,
    },
  ];
}

// ── 4. council marathon ──────────────────────────────────────────────────────────────────────────

export interface MarathonInput {
  /** Tokens delivered per healthy member over the counted turns. */
  tokensByMember: Record<string, number>;
  /** Turns each healthy member answered done, and turns counted. */
  doneByMember: Record<string, number>;
  turns: number;
  /** Healthy members' job service times (start → end), per counted turn in order. */
  serviceMsByTurn: number[];
  memory: PlateauVerdict;
  memoryWhat: string;
  /** What the scheduler held at the end. */
  endQueued: number;
  endRunning: number;
  /** The failing member: its jobs' end codes, and what the scheduler did (audit kinds). */
  failedMember: { id: string; codes: string[]; actions: string[] } | null;
}

export function marathonCriteria(input: MarathonInput): Criterion[] {
  const tokens = Object.values(input.tokensByMember);
  const most = Math.max(0, ...tokens);
  const least = Math.min(...tokens);
  const fair = tokens.length >= 2 && most > 0 && (most - least) / most <= FAIR_SHARE_TOLERANCE;
  const third = Math.floor(input.serviceMsByTurn.length / 3);
  const med = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length === 0 ? Number.NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const first = med(input.serviceMsByTurn.slice(0, third));
  const last = med(input.serviceMsByTurn.slice(input.serviceMsByTurn.length - third));
  const mb = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
  const f = input.failedMember;
  const healthyAllDone = Object.values(input.doneByMember).every((d) => d === input.turns) && tokens.length > 0;
  const handled = f !== null && f.codes.length > 0 && f.codes.every((c) => c === 'member-crashed' || c === 'member-removed') && f.actions.some((a) => a === 'restart' || a === 'remove');
  return [
    {
      name: 'Fair share',
      target: `healthy members' delivered tokens within ${pct(FAIR_SHARE_TOLERANCE)} of each other`,
      measured: Object.entries(input.tokensByMember).map(([id, n]) => `${id}: ${n}`).join(', ') || 'no healthy member',
      pass: fair,
    },
    {
      name: 'No drift',
      target: `median service time of the last third ≤ ${DRIFT_FACTOR}× the first third`,
      measured: third > 0 ? `${ms(first)} → ${ms(last)} (×${(last / first).toFixed(2)})` : 'too few turns to judge',
      pass: third > 0 && last <= DRIFT_FACTOR * first,
    },
    {
      name: 'No leak',
      target: `${input.memoryWhat} plateaus (last third ≤ middle third + max(10 %, 4 MiB)); nothing left queued or running`,
      measured: `${input.memory.judged ? `${mb(input.memory.earlierBytes)} → ${mb(input.memory.laterBytes)}` : 'too few memory samples'}; queued ${input.endQueued}, running ${input.endRunning}`,
      pass: input.memory.judged && input.memory.plateau && input.endQueued === 0 && input.endRunning === 0,
    },
    {
      name: 'A failed member is handled',
      target: "its jobs end with a clear error, it is restarted or removed, and every healthy member's job is done (docs/spec.md)",
      measured: f
        ? `${f.id}: ${f.codes.length} failed job(s) (${[...new Set(f.codes)].join(', ') || 'none'}); actions: ${[...new Set(f.actions)].join(', ') || 'none'}; healthy jobs done: ${healthyAllDone ? 'all' : 'not all'}`
        : 'no failing member in the council',
      pass: handled && healthyAllDone,
    },
  ];
}

// ── 5. overload ──────────────────────────────────────────────────────────────────────────────────

export interface OverloadRound {
  capacity: number;
  sent: number;
  accepted: number;
  /** Every refusal: its code, message and retry estimate. */
  refusals: { code: string; message: string; retryAfterMs: number }[];
  /** Most requests the scheduler held queued during the round. */
  peakQueued: number;
  acceptedDone: number;
  /** Accepted jobs whose text on the page equals the engine's result, and whose token count is complete. */
  acceptedIntact: number;
  /** A request sent once the queue had drained was accepted, and the scheduler announced recovery. */
  recoveredAccepted: boolean;
  recoverEvent: boolean;
}

export function overloadCriteria(rounds: readonly OverloadRound[]): Criterion[] {
  const any = rounds.length > 0;
  const refusals = rounds.flatMap((r) => r.refusals);
  const sum = (f: (r: OverloadRound) => number) => rounds.reduce((s, r) => s + f(r), 0);
  return [
    {
      name: 'Bounded queue',
      target: 'never more queued than the capacity; the excess is refused',
      measured: rounds.map((r) => `peak ${r.peakQueued}/${r.capacity}, ${r.sent} sent, ${r.accepted} accepted`).join('; '),
      pass: any && rounds.every((r) => r.peakQueued <= r.capacity && r.accepted < r.sent),
    },
    {
      name: 'Clear rejection',
      target: 'every refusal is code "overloaded" with a message and a retry estimate ≥ 1 s',
      measured: refusals.length === 0 ? 'no refusals' : `${refusals.length} refusals, e.g. "${refusals[0]!.message}"`,
      pass: refusals.length > 0 && refusals.every((r) => r.code === 'overloaded' && /overload/i.test(r.message) && r.retryAfterMs >= 1000),
    },
    {
      name: 'Recovery',
      target: 'once drained, a new request is accepted and the scheduler announces recovery',
      measured: rounds.map((r) => `${r.recoveredAccepted ? 'accepted' : 'refused'}${r.recoverEvent ? ', recovery announced' : ', no recovery event'}`).join('; '),
      pass: any && rounds.every((r) => r.recoveredAccepted && r.recoverEvent),
    },
    {
      name: 'Nothing lost',
      target: 'every accepted request ends done with all of its text delivered to the page',
      measured: `${sum((r) => r.acceptedIntact)} intact, ${sum((r) => r.acceptedDone)} done of ${sum((r) => r.accepted)} accepted`,
      pass: any && rounds.every((r) => r.acceptedDone === r.accepted && r.acceptedIntact === r.accepted),
    },
  ];
}

// ── sweeps ───────────────────────────────────────────────────────────────────────────────────────

export interface OverheadLevel {
  streams: number;
  tokensPerStream: number;
  /** Scheduler time per counted turn. */
  perTurnMs: Metric;
  perEventMs: { mean: number; p99: number; count: number };
  textDelivered: boolean;
}

export function overheadCriteria(levels: readonly OverheadLevel[]): Criterion[] {
  return levels.map((l) => {
    const perStep = l.perTurnMs.median / Math.max(1, l.tokensPerStream);
    return {
      name: `Scheduler cost, ${l.streams} streams`,
      target: `per council decode step < ${OVERHEAD_PER_STEP_MS} ms (a peer measured 1–3 ms, docs/spec.md); per token event p99 ≤ ${OVERHEAD_EVENT_P99_MS} ms; all text delivered`,
      measured: `${perStep.toFixed(3)} ms per step (${l.perTurnMs.median.toFixed(2)} ms per turn of ${l.tokensPerStream} tokens); events: mean ${(1000 * l.perEventMs.mean).toFixed(1)} µs, p99 ${(1000 * l.perEventMs.p99).toFixed(1)} µs (n=${l.perEventMs.count})`,
      pass: l.perTurnMs.n > 0 && perStep < OVERHEAD_PER_STEP_MS && l.perEventMs.p99 <= OVERHEAD_EVENT_P99_MS && l.textDelivered,
    };
  });
}

export interface QueueLevel {
  requests: number;
  accepted: number;
  failed: number;
  concurrency: number;
  serviceMs: number;
  latency: Metric;
  p99Ms: number;
  maxMs: number;
}

/** The last of n FIFO requests served c at a time, each taking s, ends at ⌈n / c⌉ · s. */
export function idealLastMs(requests: number, concurrency: number, serviceMs: number): number {
  return Math.ceil(requests / Math.max(1, concurrency)) * serviceMs;
}

export function concurrencyCriteria(levels: readonly QueueLevel[]): Criterion[] {
  return levels.map((l) => {
    const ideal = idealLastMs(l.requests, l.concurrency, l.serviceMs);
    const bound = QUEUE_LATENCY_FACTOR * ideal + QUEUE_LATENCY_SLACK_MS;
    const errorRate = l.failed / Math.max(1, l.accepted);
    return {
      name: `${l.requests} queued requests`,
      target: `all accepted, error rate 0, slowest ≤ ${QUEUE_LATENCY_FACTOR}× the ideal FIFO time ${ms(ideal)} + ${QUEUE_LATENCY_SLACK_MS} ms`,
      measured: `${l.accepted} accepted, error rate ${errorRate.toFixed(3)}; P50 ${ms(l.latency.median)}, P95 ${ms(l.latency.p95 ?? Number.NaN)}, P99 ${ms(l.p99Ms)}, max ${ms(l.maxMs)}`,
      pass: l.accepted === l.requests && l.failed === 0 && l.maxMs <= bound,
    };
  });
}

export interface ContextLevel {
  promptTokens: number;
  ttft: Metric;
}

export function contextCriteria(profile: TierProfile, levels: readonly ContextLevel[], msPerToken: number): Criterion[] {
  const longest = levels.at(-1);
  return [
    {
      name: 'TTFT at every prompt length',
      target: `median ≤ ${ms(profile.targets.ttftMs.limit)} (${profile.label} tier TTFT target, docs/spec.md) up to ${longest?.promptTokens ?? 0} prompt tokens`,
      measured: levels.map((l) => `${l.promptTokens}: ${ms(l.ttft.median)}`).join(', ') + (Number.isFinite(msPerToken) ? `; +${msPerToken.toFixed(2)} ms per prompt token` : ''),
      pass: levels.length > 0 && levels.every((l) => l.ttft.n > 0 && l.ttft.median <= profile.targets.ttftMs.limit),
    },
  ];
}

// ── 3. plugin-heavy ──────────────────────────────────────────────────────────────────────────────

/** The issue's bound: core decode and TTFT with plugins within 10 % of the same run without. */
export const PLUGIN_CORE_TOLERANCE = 0.1;
/** The specification's frame-rate alert (docs/monitoring.md): FPS under 50 (or the tier's floor where lower) for more than 1 s. */
export const PLUGIN_FPS_FLOOR = 50;
export const PLUGIN_FPS_LOW_MAX_MS = 1000;
/** The plugin budget's targets (docs/plugins.md): a 20 ms-per-event plugin throttled within 1 s, paused within 6 s. */
export const HEAVY_THROTTLE_WITHIN_MS = 1000;
export const HEAVY_PAUSE_WITHIN_MS = 6000;
export const PLUGIN_PAGE_BUSY_P95_MS = 4;

export interface PluginHeavyInput {
  profile: TierProfile;
  /** The phases without plugins before and after the one with them: each weighs the same (see pluginReference). */
  decodeBefore: Metric;
  decodeWith: Metric;
  decodeAfter: Metric;
  ttftBefore: Metric;
  ttftWith: Metric;
  ttftAfter: Metric;
  /** Longest continuous stretch with FPS (over 250 ms intervals) under the floor, while plugins ran. */
  longestLowFpsMs: number;
  /** The same in the phases without plugins: what the council alone left the page (shown beside it, not judged). */
  longestLowFpsWithoutMs: number;
  /** The heavy plugin: from the first events it was sent to its throttle and its pause (null: never). */
  heavyThrottledAfterMs: number | null;
  heavyPausedAfterMs: number | null;
  /** The plugin host's own time per page frame, p95 (ms). */
  hostFrameP95Ms: number;
  /**
   * The page's whole frame work (every frame-loop callback, the host's included), p95 (ms), with plugins
   * and in the phases without: shown beside the host's figure, not judged (NaN: no frames).
   */
  pageFrameP95Ms: { with: number; without: number };
  /** Jobs that ended done with every token, and the page's text equal to the engine's. */
  jobs: number;
  exactJobs: number;
  /** Codes of jobs that failed (out-of-memory, member-crashed, …). */
  failures: string[];
}

/**
 * What the plugin phase is judged against: the mean of the medians of the phases before and after it.
 * Where the engines still drift (faster or slower) through the run, the phase between sits near that
 * mean; pooling the two phases' turns would lean to whichever ran more turns. NaN when either is empty.
 */
export function pluginReference(before: Metric, after: Metric): number {
  return before.n > 0 && after.n > 0 ? (before.median + after.median) / 2 : Number.NaN;
}

export function pluginHeavyCriteria(input: PluginHeavyInput): Criterion[] {
  const floor = Math.min(PLUGIN_FPS_FLOOR, input.profile.frames.floorFps);
  const decodeReference = pluginReference(input.decodeBefore, input.decodeAfter);
  const ttftReference = pluginReference(input.ttftBefore, input.ttftAfter);
  const within = (withP: Metric, reference: number, higherIsBetter: boolean) =>
    withP.n > 0 && reference > 0 && (higherIsBetter ? withP.median >= (1 - PLUGIN_CORE_TOLERANCE) * reference : withP.median <= (1 + PLUGIN_CORE_TOLERANCE) * reference);
  const ratio = (a: Metric, reference: number) => (reference > 0 && a.n > 0 ? `${(a.median / reference).toFixed(2)}×` : 'n/a');
  const compared = (withP: Metric, before: Metric, after: Metric, reference: number, digits: number) =>
    `${formatMetric(withP, digits)} against ${reference > 0 ? reference.toFixed(digits) : 'n/a'} ${withP.unit}, the mean of the medians before, ${formatMetric(before, digits)}, and after, ${formatMetric(after, digits)} (${ratio(withP, reference)})`;
  return [
    {
      name: 'Core decode rate held',
      target: `median with plugins ≥ ${100 - 100 * PLUGIN_CORE_TOLERANCE} % of the same council without, before and after weighed equally (the issue's bound)`,
      measured: compared(input.decodeWith, input.decodeBefore, input.decodeAfter, decodeReference, 1),
      pass: within(input.decodeWith, decodeReference, true),
    },
    {
      name: 'Core time to first token held',
      target: `median with plugins ≤ ${100 + 100 * PLUGIN_CORE_TOLERANCE} % of the same council without, before and after weighed equally`,
      measured: compared(input.ttftWith, input.ttftBefore, input.ttftAfter, ttftReference, 0),
      pass: within(input.ttftWith, ttftReference, false),
    },
    {
      name: 'Frame rate held',
      target: `FPS (per 250 ms) under ${floor} for at most ${PLUGIN_FPS_LOW_MAX_MS / 1000} s at a stretch (the frame-rate alert's rule; the ${input.profile.label} tier's floor where lower)`,
      measured: `longest stretch under ${floor} FPS: ${ms(input.longestLowFpsMs)} (without plugins: ${ms(input.longestLowFpsWithoutMs)})`,
      pass: input.longestLowFpsMs <= PLUGIN_FPS_LOW_MAX_MS,
    },
    {
      name: 'A misbehaving plugin is throttled, then paused',
      target: `the 20 ms-per-event plugin throttled within ${HEAVY_THROTTLE_WITHIN_MS / 1000} s of its first events and paused within ${HEAVY_PAUSE_WITHIN_MS / 1000} s`,
      measured: `throttled ${input.heavyThrottledAfterMs === null ? 'never' : `after ${ms(input.heavyThrottledAfterMs)}`}, paused ${input.heavyPausedAfterMs === null ? 'never' : `after ${ms(input.heavyPausedAfterMs)}`}`,
      pass:
        input.heavyThrottledAfterMs !== null &&
        input.heavyThrottledAfterMs <= HEAVY_THROTTLE_WITHIN_MS &&
        input.heavyPausedAfterMs !== null &&
        input.heavyPausedAfterMs <= HEAVY_PAUSE_WITHIN_MS,
    },
    {
      name: "The plugins' cost on the page",
      target: `the plugin host's work per page frame p95 ≤ ${PLUGIN_PAGE_BUSY_P95_MS} ms (the page's frame-work goal)`,
      measured: `p95 ${input.hostFrameP95Ms.toFixed(2)} ms on the page's clock (time waiting for a core included); the page's whole frame work p95 ${msOrNa(input.pageFrameP95Ms.with)} with plugins, ${msOrNa(input.pageFrameP95Ms.without)} without`,
      pass: input.hostFrameP95Ms <= PLUGIN_PAGE_BUSY_P95_MS,
    },
    {
      name: 'Exact text, no out-of-memory',
      target: 'every job done with all its tokens, the text the page received equal to the engine’s, no job failed (out-of-memory, crash)',
      measured: `${input.exactJobs} of ${input.jobs} exact${input.failures.length > 0 ? `; failed: ${input.failures.join(', ')}` : ''}`,
      pass: input.jobs > 0 && input.exactJobs === input.jobs && input.failures.length === 0,
    },
  ];
}

const msOrNa = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)} ms` : 'n/a');

/** The longest run of consecutive 250 ms intervals whose frame rate was under `floor`, in ms. */
export function longestLowFps(frameTimes: readonly number[], floor: number, intervalMs = 250): number {
  if (frameTimes.length < 2) return 0;
  const start = frameTimes[0]!;
  const end = frameTimes[frameTimes.length - 1]!;
  const buckets = new Array<number>(Math.max(1, Math.floor((end - start) / intervalMs))).fill(0);
  for (const t of frameTimes) {
    const i = Math.floor((t - start) / intervalMs);
    if (i < buckets.length) buckets[i]!++;
  }
  let longest = 0;
  let run = 0;
  for (const frames of buckets) {
    run = (frames * 1000) / intervalMs < floor ? run + intervalMs : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}
