/**
 * The council part of `npm run bench` (alone: `npm run bench -- --only council`). In headless Chromium
 * it drives the built app's real scheduler worker with 1 to 4 real wf-tiny members (each in its own
 * transformers.js engine worker), on the High tier (so they all generate at once) with bursts pinned to
 * parallel, and measures:
 *
 * - contention α: every member's own decode rate (from its engine's token times) at each level, fed to
 *   `measureContention` / `estimateAlpha` (src/scheduler/contention.ts);
 * - a burst of N prompts in parallel (one turn to N members) against the same N back to back (N
 *   one-member turns, one after another), in alternating pairs, measured wall time on the page beside
 *   `planBurst`'s prediction from the measured TPS₁, TTFT and α; N = 2 and 4 (the issue's sizes), and
 *   3 as well in full mode;
 * - the worker path's own cost: token batches applied per frame and the page's time to apply one batch
 *   (the council client applies them in the page's frame loop), and one member through the council
 *   against the same generation through the single-model path, side by side in alternation (paired
 *   ratios of the page-observed TTFT and decode rate);
 * - the scheduler's own overhead per token event and per turn (`measureSchedulerOverhead`, in Node on
 *   synthetic engines: src/scheduler/overhead.bench.ts).
 */
import type { Browser, Page } from '@playwright/test';
import { AppDriver, launchChromium } from './browser.ts';
import { pairedSpeedRatio, spread, type Spread } from './ratios.ts';
import { expectedTinyContinuation } from '../scripts/models/tiny.ts';
import { measureContention, planBurst, streamTps, type BurstPlan } from '../src/scheduler/contention.ts';
import { measureSchedulerOverhead, type OverheadReport } from '../src/scheduler/overhead.bench.ts';
import type { DeliveryFigures } from '../src/scheduler/batch-pacer.ts';
import type { TurnOutcome } from '../src/scheduler/protocol.ts';
import type { DebugWindow } from '../src/app/debug-handle.ts';

const MODEL = 'wf-tiny';
const PROMPT = 'Hello a';
const MAX_MEMBERS = 4;

export interface CouncilBenchPlan {
  /** Rounds of each measurement (levels 1..MAX_MEMBERS, back to back, council vs single). */
  rounds: number;
  maxNewTokens: number;
  /** Burst sizes compared parallel vs back to back; quick leaves out 3 to stay within ~2 minutes here. */
  burstSizes: number[];
  /** Fewer tokens and queue levels in the scheduler-overhead part. */
  quickOverhead: boolean;
}

export function councilPlanFor(mode: 'quick' | 'full', rounds?: number): CouncilBenchPlan {
  return {
    rounds: rounds ?? (mode === 'full' ? 5 : 3),
    maxNewTokens: mode === 'full' ? 96 : 48,
    burstSizes: mode === 'full' ? [2, 3, 4] : [2, 4],
    quickOverhead: mode !== 'full',
  };
}

/** One turn as the page saw it: its wall time (run() to the turn's end) and every job's engine result. */
interface TurnRun {
  wallMs: number;
  /** Page clock when run() was called: the page-observed TTFT counts from here. */
  sentAtMs: number;
  outcome: TurnOutcome;
  delivery: DeliveryFigures;
}

const memberIds = Array.from({ length: MAX_MEMBERS }, (_, i) => `${i + 1}-${MODEL}`);

async function setUpCouncil(page: Page, maxNewTokens: number): Promise<void> {
  // High tier runs up to six members at once; the frame-rate rule could rightly shrink the council
  // while four engines share two cores, which is not what is measured here.
  await page.getByTestId('nav-device').click();
  await page.getByTestId('tier-override').selectOption('high');
  await page.getByTestId('nav-council').click();
  await page.evaluate(
    ({ model, members, prompt, tokens }) => {
      const c = (window as unknown as DebugWindow).__wirthforge.council;
      c.adapt.value = false;
      c.burstMode.value = 'parallel';
      while (c.slots.value.length > 0) c.removeSlot(0);
      for (let i = 0; i < members; i++) c.addSlot(model);
      c.prompt.value = prompt;
      c.maxTokens.value = tokens;
    },
    { model: MODEL, members: MAX_MEMBERS, prompt: PROMPT, tokens: maxNewTokens },
  );
}

/** One turn to `only` (member ids), timed on the page; fails loudly on any job not done or not exact. */
async function runTurn(page: Page, only: readonly string[], maxNewTokens: number): Promise<TurnRun> {
  const run = await page.evaluate(async (members) => {
    const c = (window as unknown as DebugWindow).__wirthforge.council;
    c.deliveryFigures(true);
    const sentAtMs = performance.now();
    const turnId = await c.run({ only: members });
    if (turnId === null) return { error: c.failure.value ?? c.notices.value[0]?.message ?? 'the turn was not sent' };
    const outcome = await c.whenTurnEnds(turnId);
    const wallMs = performance.now() - sentAtMs;
    // The last batch may still wait for the next frame: let two frames pass before reading the figures.
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return { wallMs, sentAtMs, outcome, delivery: c.deliveryFigures(true) };
  }, only);
  if ('error' in run) throw new Error(`council bench: ${run.error}`);
  const expected = expectedTinyContinuation(PROMPT, maxNewTokens);
  for (const job of run.outcome.jobs) {
    if (job.status !== 'done' || !job.result) throw new Error(`council bench: ${job.jobId} ${job.status}: ${job.error?.message ?? 'no result'}`);
    if (job.result.text !== expected) throw new Error(`council bench: ${job.jobId} produced ${JSON.stringify(job.result.text)}, not ${JSON.stringify(expected)}`);
  }
  return run;
}

function engineTtftMs(job: TurnOutcome['jobs'][number]): number {
  const r = job.result!;
  return (r.tokenTimesMs[0] ?? Number.NaN) - r.startedAtMs;
}

/** Page-observed figures of one job: TTFT from run() to its first applied text, decode rate over the applied span. */
function pageFigures(run: TurnRun, job: TurnOutcome['jobs'][number]): { ttftMs: number; decodeTps: number } {
  const applied = run.delivery.jobs[job.jobId];
  const tokens = job.result!.outputTokens;
  if (!applied) return { ttftMs: Number.NaN, decodeTps: Number.NaN };
  const span = applied.lastAppliedAtMs - applied.firstAppliedAtMs;
  return { ttftMs: applied.firstAppliedAtMs - run.sentAtMs, decodeTps: tokens < 2 || span <= 0 ? Number.NaN : ((tokens - 1) * 1000) / span };
}

interface DeliveryAtLevel {
  n: number;
  runs: number;
  batchesPerFrame: { mean: Spread; max: number };
  applyMsPerBatch: { mean: Spread; p95: Spread; max: number };
  piecesPerBatch: Spread;
}

function deliveryAtLevel(n: number, runs: readonly TurnRun[]): DeliveryAtLevel {
  const d = runs.map((r) => r.delivery);
  return {
    n,
    runs: runs.length,
    batchesPerFrame: { mean: spread(d.map((x) => x.batchesPerFrame.mean)), max: Math.max(...d.map((x) => x.batchesPerFrame.max)) },
    applyMsPerBatch: { mean: spread(d.map((x) => x.applyMsPerBatch.mean)), p95: spread(d.map((x) => x.applyMsPerBatch.p95)), max: Math.max(...d.map((x) => x.applyMsPerBatch.max)) },
    piecesPerBatch: spread(d.map((x) => x.piecesPerBatch.mean)),
  };
}

export interface BurstComparison {
  n: number;
  /** parallelSpeedup: back-to-back time ÷ parallel time, paired; above 1 = parallel finished sooner. */
  measured: { parallelMs: Spread; backToBackMs: Spread; parallelSpeedup: Spread };
  /** From the measured TPS₁, TTFT alone and α. */
  predicted: BurstPlan;
}

export async function measureCouncil(plan: CouncilBenchPlan, baseUrl: string) {
  const browser: Browser = await launchChromium();
  try {
    const app = await AppDriver.open(browser, baseUrl);
    const page = app.page;
    await setUpCouncil(page, plan.maxNewTokens);
    console.log(`[bench:council] warm-up: loading ${MAX_MEMBERS} ${MODEL} members…`);
    await runTurn(page, memberIds, plan.maxNewTokens);

    const runsAt = new Map<number, TurnRun[]>();
    // Levels interleaved (1, 2, 3, 4, 1, 2, …) so that a drift of the shared machine spreads over all.
    const levels = Array.from({ length: plan.rounds }, () => Array.from({ length: MAX_MEMBERS }, (_, i) => i + 1)).flat();
    const contention = await measureContention(async (n) => {
      const run = await runTurn(page, memberIds.slice(0, n), plan.maxNewTokens);
      runsAt.set(n, [...(runsAt.get(n) ?? []), run]);
      const rates = run.outcome.jobs.map((j) => streamTps(j.result!.tokenTimesMs) ?? Number.NaN);
      console.log(`[bench:council] N=${n}: ${rates.map((r) => r.toFixed(1)).join(' / ')} tok/s per member, ${(run.wallMs / 1000).toFixed(2)} s`);
      return rates;
    }, levels);

    const alone = runsAt.get(1) ?? [];
    const ttftAlone = spread(alone.flatMap((r) => r.outcome.jobs.map(engineTtftMs)));
    const tokensPerRequest = spread(alone.flatMap((r) => r.outcome.jobs.map((j) => j.result!.outputTokens))).median;

    const bursts: BurstComparison[] = [];
    for (const n of plan.burstSizes) {
      // In pairs, the order alternating, so that a drift of the shared machine cancels within a pair.
      const parallel: number[] = [];
      const backToBack: number[] = [];
      const runBackToBack = async () => {
        let total = 0;
        for (const id of memberIds.slice(0, n)) total += (await runTurn(page, [id], plan.maxNewTokens)).wallMs;
        backToBack.push(total);
      };
      for (let round = 0; round < plan.rounds; round++) {
        if (round % 2 === 1) await runBackToBack();
        parallel.push((await runTurn(page, memberIds.slice(0, n), plan.maxNewTokens)).wallMs);
        if (round % 2 === 0) await runBackToBack();
      }
      const predicted = planBurst({ n, tokensPerRequest, tps1: contention.tps1 ?? Number.NaN, ttftMs: ttftAlone.median, alpha: contention.alpha ?? Number.NaN });
      bursts.push({
        n,
        measured: { parallelMs: spread(parallel), backToBackMs: spread(backToBack), parallelSpeedup: pairedSpeedRatio(parallel, backToBack, 'latency') },
        predicted,
      });
      console.log(`[bench:council] burst of ${n}: parallel ${(spread(parallel).median / 1000).toFixed(2)} s, back to back ${(spread(backToBack).median / 1000).toFixed(2)} s (predicted ${(predicted.parallelMs / 1000).toFixed(2)} / ${(predicted.sequentialMs / 1000).toFixed(2)} s)`);
    }

    console.log(`[bench:council] one member through the council vs the single-model path, in alternation…`);
    await app.load(MODEL, 'wasm', plan.maxNewTokens);
    await app.run(PROMPT);
    const council = { pageTtftMs: [] as number[], pageDecodeTps: [] as number[], engineDecodeTps: [] as number[] };
    const single = { pageTtftMs: [] as number[], pageDecodeTps: [] as number[], engineDecodeTps: [] as number[] };
    for (let round = 0; round < plan.rounds; round++) {
      const councilFirst = round % 2 === 0;
      for (const side of councilFirst ? ['council', 'single'] : ['single', 'council']) {
        if (side === 'council') {
          const run = await runTurn(page, [memberIds[0]!], plan.maxNewTokens);
          const job = run.outcome.jobs[0]!;
          const seen = pageFigures(run, job);
          council.pageTtftMs.push(seen.ttftMs);
          council.pageDecodeTps.push(seen.decodeTps);
          council.engineDecodeTps.push(streamTps(job.result!.tokenTimesMs) ?? Number.NaN);
        } else {
          const record = await app.run(PROMPT);
          single.pageTtftMs.push(record.pageTtftMs);
          single.pageDecodeTps.push(record.pageDecodeTps);
          single.engineDecodeTps.push(record.decodeTps);
        }
      }
    }

    console.log(`[bench:council] scheduler overhead (Node, synthetic engines)…`);
    const overhead: OverheadReport = await measureSchedulerOverhead(plan.quickOverhead);

    return {
      model: MODEL,
      prompt: PROMPT,
      tier: 'high',
      burstMode: 'parallel',
      contention: {
        alpha: contention.alpha,
        tps1: contention.tps1,
        levels: contention.levels,
        samples: contention.samples,
        ttftAloneMs: ttftAlone,
        tokensPerRequest,
      },
      bursts,
      workerPath: {
        deliveryPerLevel: [...runsAt.entries()].sort(([a], [b]) => a - b).map(([n, runs]) => deliveryAtLevel(n, runs)),
        councilVsSingle: {
          council: { pageTtftMs: spread(council.pageTtftMs), pageDecodeTps: spread(council.pageDecodeTps), engineDecodeTps: spread(council.engineDecodeTps) },
          single: { pageTtftMs: spread(single.pageTtftMs), pageDecodeTps: spread(single.pageDecodeTps), engineDecodeTps: spread(single.engineDecodeTps) },
          // Above 1: the council path is faster.
          ratios: {
            pageTtft: pairedSpeedRatio(council.pageTtftMs, single.pageTtftMs, 'latency'),
            pageDecode: pairedSpeedRatio(council.pageDecodeTps, single.pageDecodeTps, 'throughput'),
            engineDecode: pairedSpeedRatio(council.engineDecodeTps, single.engineDecodeTps, 'throughput'),
          },
          series: { council, single },
        },
      },
      schedulerOverhead: overhead,
    };
  } finally {
    await browser.close();
  }
}

export type CouncilBenchResult = Awaited<ReturnType<typeof measureCouncil>>;

function fmt(s: Spread, digits = 1): string {
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)}, n=${s.n})`;
}

export function printCouncil(r: CouncilBenchResult, plan: CouncilBenchPlan): void {
  const c = r.contention;
  console.log(`\nCouncil (${r.model}, ${plan.maxNewTokens} new tokens, ${r.tier} tier, bursts in parallel, ${plan.rounds} rounds)`);
  console.log(`  contention α = ${c.alpha === null ? 'n/a' : c.alpha.toFixed(3)}; TPS₁ ${c.tps1?.toFixed(1) ?? 'n/a'} tok/s; TTFT alone ${fmt(c.ttftAloneMs)} ms`);
  for (const level of c.levels) {
    console.log(`    N=${level.n}: per member ${level.streamTps.toFixed(1)} tok/s, combined ${level.combinedTps.toFixed(1)} tok/s${level.alpha === null ? '' : `, α_N ${level.alpha.toFixed(3)}`} (${level.samples} samples)`);
  }
  for (const b of r.bursts) {
    console.log(
      `  burst of ${b.n}: parallel ${fmt(b.measured.parallelMs, 0)} ms, back to back ${fmt(b.measured.backToBackMs, 0)} ms, parallel speed-up ${fmt(b.measured.parallelSpeedup, 2)}; predicted ${b.predicted.parallelMs.toFixed(0)} / ${b.predicted.sequentialMs.toFixed(0)} ms → ${b.predicted.mode}`,
    );
  }
  console.log(`  worker path, per level: batches per frame (mean, max) · apply ms per batch (mean, p95, max) · pieces per batch`);
  for (const d of r.workerPath.deliveryPerLevel) {
    console.log(`    N=${d.n}: ${d.batchesPerFrame.mean.median.toFixed(2)}, ${d.batchesPerFrame.max} · ${d.applyMsPerBatch.mean.median.toFixed(3)}, ${d.applyMsPerBatch.p95.median.toFixed(3)}, ${d.applyMsPerBatch.max.toFixed(2)} · ${d.piecesPerBatch.median.toFixed(1)}`);
  }
  const v = r.workerPath.councilVsSingle;
  console.log(`  one member, council ÷ single-model path (paired; above 1 = council faster):`);
  console.log(`    page TTFT ${fmt(v.ratios.pageTtft, 3)}  [council ${fmt(v.council.pageTtftMs)} ms, single ${fmt(v.single.pageTtftMs)} ms]`);
  console.log(`    page decode ${fmt(v.ratios.pageDecode, 3)}  [council ${fmt(v.council.pageDecodeTps)} tok/s, single ${fmt(v.single.pageDecodeTps)} tok/s]`);
  console.log(`    engine decode ${fmt(v.ratios.engineDecode, 3)}`);
  console.log(`  scheduler overhead (Node, synthetic engines, ${r.schedulerOverhead.overheadPerStreams[0]?.tokensPerStream} tokens × ${r.schedulerOverhead.overheadPerStreams[0]?.turns} turns):`);
  for (const o of r.schedulerOverhead.overheadPerStreams) {
    console.log(`    ${o.streams} streams: per token event mean ${o.perTokenEventMs.mean} ms, p99 ${o.perTokenEventMs.p99} ms; ${o.schedulerMsPerTurn} ms per turn (${(100 * o.schedulerShareOfWall).toFixed(2)} % of wall)`);
  }
  const q = r.schedulerOverhead.queued;
  console.log(`  queued requests (Node, ${q.concurrency} at once, ${q.tokensPerRequest} tokens = ${q.serviceMsPerRequest} ms each, queue ${q.levels[0]?.queueCapacity}): latency P50 / P95 / P99 · error rate · heap per queued request`);
  for (const l of q.levels) {
    const heap = l.heapBytesPerQueuedRequest === null ? 'n/a' : `${(l.heapBytesPerQueuedRequest / 1000).toFixed(1)} kB`;
    console.log(`    ${l.requests}: ${l.latencyMs.p50} / ${l.latencyMs.p95} / ${l.latencyMs.p99} ms · ${l.errorRate} (${l.accepted} accepted, ${l.failed} failed) · ${heap}`);
  }
  const capped = r.schedulerOverhead.defaultQueueCapacity;
  for (const l of capped.levels) console.log(`    ${l.requests} into the default queue of ${capped.capacity}: ${l.accepted} accepted, ${l.rejectedOverloaded} answered "${l.overloadAnswer ?? ''}", ${l.failed} failed`);
}
