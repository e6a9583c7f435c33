/**
 * Contention between members that generate at once: measure α from throughput with 1..N members
 * (the spec's TPS_N ≈ TPS₁·N / (1 + (N−1)·α), solved for α by `contentionAlpha` in src/tiers), and
 * decide whether a burst of prompts finishes sooner in parallel or back to back.
 *
 * Per stream, N members at α each run at TPS₁ / (1 + (N−1)·α), so a burst of N equal requests takes
 *   parallel:   (TTFT + L/TPS₁) · (1 + (N−1)·α)
 *   sequential: N · (TTFT + L/TPS₁)
 * Parallel wins exactly when α < 1; on a machine where members fight over the same cores or bandwidth
 * (α ≥ 1, which happens on small CPUs) running them one after the other is faster, and the first
 * answer arrives far sooner.
 */
import { contentionAlpha, effectiveTps } from '../tiers/index.ts';
import { median } from '../metrics/stats.ts';

/** One job's decode throughput, and how many members were generating alongside it (itself included). */
export interface ThroughputSample {
  concurrent: number;
  /** This stream's own decode rate (tokens/s). */
  streamTps: number;
}

/**
 * Members contend only with members that share what they run on: local members share this device's
 * cores and memory bandwidth, a remote endpoint's members share that server. So concurrency is counted,
 * and α estimated, per group: a remote member generating beside a local one slows neither.
 */
export type ContentionGroup = 'local' | `remote:${string}`;

export function contentionGroupOf(remoteEndpointId: string | null | undefined): ContentionGroup {
  return remoteEndpointId ? `remote:${remoteEndpointId}` : 'local';
}

/**
 * Jain's fairness index of the members' rates: 1 when every member streams at the same rate, 1/n when
 * one member has it all. Null with fewer than two members (nothing to be fair between).
 */
export function jainIndex(rates: readonly number[]): number | null {
  const xs = rates.filter((x) => Number.isFinite(x) && x >= 0);
  if (xs.length < 2) return null;
  const sum = xs.reduce((s, x) => s + x, 0);
  const squares = xs.reduce((s, x) => s + x * x, 0);
  return squares === 0 ? 1 : (sum * sum) / (xs.length * squares);
}

/**
 * How evenly the scheduler serves the members of each contention group: Jain's index of each member's
 * median stream rate. Kept per group because a server and this device run at their own speeds: a
 * remote member far faster than a local one is no unfairness, two local members far apart are.
 */
export function fairnessByGroup(samples: readonly (ThroughputSample & { group: ContentionGroup; memberId: string })[]): Map<ContentionGroup, number | null> {
  const rates = new Map<ContentionGroup, Map<string, number[]>>();
  for (const s of samples) {
    if (!(s.streamTps > 0)) continue;
    let byMember = rates.get(s.group);
    if (!byMember) rates.set(s.group, (byMember = new Map()));
    let list = byMember.get(s.memberId);
    if (!list) byMember.set(s.memberId, (list = []));
    list.push(s.streamTps);
  }
  return new Map([...rates].map(([group, byMember]) => [group, jainIndex([...byMember.values()].map((list) => median(list)))]));
}

/** α per contention group, each from its own samples only. */
export function estimateAlphaByGroup(samples: readonly (ThroughputSample & { group: ContentionGroup })[]): Map<ContentionGroup, AlphaEstimate> {
  const byGroup = new Map<ContentionGroup, ThroughputSample[]>();
  for (const s of samples) {
    let list = byGroup.get(s.group);
    if (!list) byGroup.set(s.group, (list = []));
    list.push(s);
  }
  return new Map([...byGroup].map(([group, list]) => [group, estimateAlpha(list)]));
}

export interface AlphaEstimate {
  /** null until there are samples both alone and with company. */
  alpha: number | null;
  /** Median stream rate alone. */
  tps1: number | null;
  /** Per level of concurrency: median stream rate, combined rate (×N) and the α it implies. */
  levels: { n: number; samples: number; streamTps: number; combinedTps: number; alpha: number | null }[];
}

/**
 * α from samples at several concurrency levels: each level N ≥ 2 gives α_N = contentionAlpha(TPS₁, N,
 * N·median stream rate at N); the estimate is their mean weighted by (N−1)·samples (more members and
 * more samples say more about α). Never negative.
 */
export function estimateAlpha(samples: readonly ThroughputSample[]): AlphaEstimate {
  const byN = new Map<number, number[]>();
  for (const s of samples) {
    if (!(s.streamTps > 0) || !(s.concurrent >= 1)) continue;
    const n = Math.round(s.concurrent);
    let list = byN.get(n);
    if (!list) byN.set(n, (list = []));
    list.push(s.streamTps);
  }
  const alone = byN.get(1);
  const tps1 = alone ? median(alone) : null;
  const levels: AlphaEstimate['levels'] = [];
  let weighted = 0;
  let weights = 0;
  for (const n of [...byN.keys()].sort((a, b) => a - b)) {
    const rates = byN.get(n)!;
    const streamTps = median(rates);
    const combinedTps = streamTps * n;
    const alpha = tps1 !== null && n >= 2 ? Math.max(0, contentionAlpha(tps1, n, combinedTps)) : null;
    levels.push({ n, samples: rates.length, streamTps, combinedTps, alpha });
    if (alpha !== null) {
      const w = (n - 1) * rates.length;
      weighted += w * alpha;
      weights += w;
    }
  }
  return { alpha: weights > 0 ? weighted / weights : null, tps1, levels };
}

export interface BurstInput {
  /** Requests in the burst (one per member). */
  n: number;
  /** Tokens each request generates. */
  tokensPerRequest: number;
  /** One member's decode rate alone. */
  tps1: number;
  ttftMs: number;
  alpha: number;
}

export interface BurstPlan {
  mode: 'parallel' | 'sequential';
  parallelMs: number;
  sequentialMs: number;
  reason: string;
}

export function planBurst({ n, tokensPerRequest, tps1, ttftMs, alpha }: BurstInput): BurstPlan {
  const solo = ttftMs + (1000 * tokensPerRequest) / Math.max(1e-9, tps1);
  const slowdown = n <= 1 ? 1 : (tps1 * n) / effectiveTps(tps1, n, alpha);
  const parallelMs = solo * slowdown;
  const sequentialMs = solo * Math.max(1, n);
  const mode = n <= 1 || parallelMs <= sequentialMs ? 'parallel' : 'sequential';
  const reason =
    n <= 1
      ? 'One request: nothing to choose.'
      : `With α = ${alpha.toFixed(2)}, ${n} requests take about ${(parallelMs / 1000).toFixed(1)} s together or ${(sequentialMs / 1000).toFixed(1)} s one after another: ${mode === 'parallel' ? 'in parallel' : 'one at a time'}.`;
  return { mode, parallelMs, sequentialMs, reason };
}

/**
 * Runs the same burst at each concurrency level and measures α: `run(n)` starts n equal requests at
 * once and reports each stream's decode rate. Used by the benchmark on real engines; the scheduler
 * collects the same samples from its ordinary traffic.
 */
export async function measureContention(
  run: (n: number) => Promise<number[]>,
  levels: readonly number[],
): Promise<AlphaEstimate & { samples: ThroughputSample[] }> {
  const samples: ThroughputSample[] = [];
  for (const n of levels) {
    const rates = await run(n);
    for (const streamTps of rates) samples.push({ concurrent: n, streamTps });
  }
  return { ...estimateAlpha(samples), samples };
}

/** A stream's decode rate from its token arrival times: tokens after the first ÷ time after the first. */
export function streamTps(tokenTimesMs: readonly number[]): number | null {
  if (tokenTimesMs.length < 2) return null;
  const span = tokenTimesMs[tokenTimesMs.length - 1]! - tokenTimesMs[0]!;
  return span > 0 ? (1000 * (tokenTimesMs.length - 1)) / span : null;
}
