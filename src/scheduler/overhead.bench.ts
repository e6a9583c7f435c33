/**
 * The scheduler's own cost, on synthetic engines with a fixed 50 ms per-token delay (real time, Node):
 *
 * 1. overhead per token event with N = 2/4/8/12 streams generating at once: the time spent in the
 *    scheduler's token path (bookkeeping, lock-step gate, frame batcher push), measured with
 *    performance.now() around the callback each engine calls, so the engine's own delay is excluded;
 *    also per submit and per frame flush;
 * 2. latency P50/P95/P99, error rate and memory per queued session with 10/50/100/200/500 requests
 *    queued at once, and how many a default-sized queue turns away.
 *
 *   npx tsx src/scheduler/overhead.bench.ts            (prints JSON)
 *   npx tsx src/scheduler/overhead.bench.ts --quick    (fewer tokens per stream and per request)
 *
 * `npm run bench` runs `measureSchedulerOverhead` too (bench/council-bench.ts).
 */
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { summarize, type Summary } from '../metrics/stats.ts';
import { DEFAULT_QUEUE_CAPACITY } from './scheduler.ts';
import { newTimers, syntheticMember, timedScheduler } from './overhead-harness.ts';

const MS_PER_TOKEN = 50;
const TTFT_MS = 50;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function round(s: Summary, digits = 4) {
  const r = (x: number) => Number(x.toFixed(digits));
  return { count: s.count, mean: r(s.mean), p50: r(s.p50), p99: r(s.p99), max: r(s.max) };
}

async function overheadAt(n: number, turns: number, tokens: number) {
  const timers = newTimers();
  const { events: tokenSamples, flushes: flushSamples } = timers;
  const submitSamples: number[] = [];
  const { scheduler, batcher, chars } = timedScheduler(n, timers);
  scheduler.setCouncil(Array.from({ length: n }, (_, i) => syntheticMember(i, TTFT_MS, MS_PER_TOKEN)));
  // Warm-up turn (loads, JIT), not counted.
  const warm = scheduler.submit({ prompt: 'warm up', maxNewTokens: 8 });
  if (!warm.accepted) throw new Error(warm.message);
  await scheduler.whenDone(warm.turnId);
  tokenSamples.length = 0;
  flushSamples.length = 0;
  const started = performance.now();
  let expectedChars = 0;
  for (let t = 0; t < turns; t++) {
    const t0 = performance.now();
    const engineBefore = timers.engineMs;
    const answer = scheduler.submit({ prompt: `turn ${t}: tell the council something`, maxNewTokens: tokens });
    // submit() dispatches: it calls every member's generate(); the engines' own set-up is not ours.
    submitSamples.push(performance.now() - t0 - (timers.engineMs - engineBefore));
    if (!answer.accepted) throw new Error(answer.message);
    const outcome = await scheduler.whenDone(answer.turnId);
    for (const job of outcome.jobs) {
      if (job.status !== 'done') throw new Error(`job ${job.jobId} ${job.status}: ${job.error?.message}`);
      expectedChars += job.result!.text.length;
    }
  }
  const wallMs = performance.now() - started;
  await new Promise((r) => setTimeout(r, 50));
  batcher.flushAll();
  const schedulerMs = tokenSamples.reduce((s, v) => s + v, 0) + flushSamples.reduce((s, v) => s + v, 0) + submitSamples.reduce((s, v) => s + v, 0);
  await scheduler.shutdown();
  return {
    streams: n,
    turns,
    tokensPerStream: tokens,
    tokenEvents: tokenSamples.length,
    perTokenEventMs: round(summarize(tokenSamples)),
    perFrameFlushMs: round(summarize(flushSamples)),
    // submit() of one turn: validation, queueing, and dispatching all N streams (engines' own set-up excluded).
    perSubmitMs: round(summarize(submitSamples)),
    perStreamDispatchMs: Number((summarize(submitSamples).mean / n).toFixed(4)),
    schedulerMsPerTurn: Number((schedulerMs / turns).toFixed(3)),
    schedulerShareOfWall: Number((schedulerMs / wallMs).toFixed(5)),
    // Everything the engines produced reached the page side (only the warm-up turn is outside the count).
    textDelivered: chars() >= expectedChars,
  };
}

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** A scheduler with every member loaded, so that latency is queueing + generation, not first loads. */
async function loadedScheduler(concurrency: number, queueCapacity: number) {
  const { scheduler } = timedScheduler(concurrency, newTimers(), queueCapacity);
  scheduler.setCouncil(Array.from({ length: concurrency }, (_, i) => syntheticMember(i, TTFT_MS, MS_PER_TOKEN)));
  const warm = scheduler.submit({ prompt: 'warm up', maxNewTokens: 1 });
  if (!warm.accepted) throw new Error(warm.message);
  await scheduler.whenDone(warm.turnId);
  return scheduler;
}

const queuedPrompts = (requests: number) => Array.from({ length: requests }, (_, i) => `Request ${i}: ${'summarise the council discussion so far, briefly. '.repeat(4)}`);

/**
 * Heap held per queued request: the job, its turn, its promise, its queue entry and its prompt (~230
 * chars), between forced collections. A pass of its own, cancelled at once: the collections stop the
 * event loop (for long in a process that also holds a browser driver), which would count as latency.
 */
async function heapPerQueuedRequest(requests: number, concurrency: number, tokens: number, queueCapacity: number): Promise<number | null> {
  const scheduler = await loadedScheduler(concurrency, queueCapacity);
  const prompts = queuedPrompts(requests);
  const before = heapUsed();
  const answers = prompts.map((prompt, i) => scheduler.submit({ prompt, maxNewTokens: tokens, members: [`m${i % concurrency}`] }));
  const after = heapUsed();
  await scheduler.shutdown();
  // Only where nothing was turned away: the refusals' answers would be counted too.
  return answers.every((a) => a.accepted) ? Math.round((after - before) / requests) : null;
}

async function queuedAt(requests: number, concurrency: number, tokens: number, queueCapacity: number) {
  const scheduler = await loadedScheduler(concurrency, queueCapacity);
  const prompts = queuedPrompts(requests);
  const submittedAt: number[] = [];
  const answers = prompts.map((prompt, i) => {
    submittedAt[i] = performance.now();
    return scheduler.submit({ prompt, maxNewTokens: tokens, members: [`m${i % concurrency}`] });
  });
  const accepted = answers.filter((a) => a.accepted).length;
  const rejected = answers.filter((a) => !a.accepted && a.code === 'overloaded');
  const latencies: number[] = [];
  let failed = 0;
  await Promise.all(
    answers.map(async (a, i) => {
      if (!a.accepted) return;
      const outcome = await scheduler.whenDone(a.turnId);
      latencies.push(performance.now() - submittedAt[i]!);
      if (outcome.jobs.some((j) => j.status !== 'done')) failed++;
    }),
  );
  await scheduler.shutdown();
  const lat = summarize(latencies);
  const firstRefusal = rejected[0];
  return {
    requests,
    queueCapacity,
    accepted,
    rejectedOverloaded: rejected.length,
    failed,
    errorRate: Number((failed / Math.max(1, accepted)).toFixed(4)),
    latencyMs: { p50: Math.round(lat.p50), p95: Math.round(lat.p95), p99: Math.round(lat.p99), max: Math.round(lat.max) },
    heapBytesPerQueuedRequest: rejected.length === 0 ? await heapPerQueuedRequest(requests, concurrency, tokens, queueCapacity) : null,
    overloadAnswer: firstRefusal && !firstRefusal.accepted ? firstRefusal.message : null,
  };
}

export type OverheadReport = Awaited<ReturnType<typeof measureSchedulerOverhead>>;

export const STREAM_LEVELS = [2, 4, 8, 12] as const;
export const QUEUED_LEVELS = [10, 50, 100, 200, 500] as const;

/**
 * Both measurements at every level; `quick`: fewer tokens and turns, so that all five queue levels fit
 * in `npm run bench` (2 tokens: 100 ms of service per request, ~9 s for the 500).
 */
export async function measureSchedulerOverhead(quick: boolean) {
  const tokens = quick ? 10 : 40;
  const turns = quick ? 1 : 5;
  const overhead = [];
  for (const n of STREAM_LEVELS) overhead.push(await overheadAt(n, turns, tokens));

  const queueTokens = quick ? 2 : 4;
  const levels = QUEUED_LEVELS;
  const queued = [];
  for (const requests of levels) queued.push(await queuedAt(requests, 6, queueTokens, 512));
  const defaultQueue = [];
  for (const requests of levels.filter((r) => r > DEFAULT_QUEUE_CAPACITY)) defaultQueue.push(await queuedAt(requests, 6, queueTokens, DEFAULT_QUEUE_CAPACITY));

  const report = {
    command: `npx tsx src/scheduler/overhead.bench.ts${quick ? ' --quick' : ''}`,
    machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown' },
    engine: { kind: 'synthetic', ttftMs: TTFT_MS, msPerTokenFixed: MS_PER_TOKEN, jitter: 0 },
    overheadPerStreams: overhead,
    queued: { concurrency: 6, tokensPerRequest: queueTokens, serviceMsPerRequest: TTFT_MS + (queueTokens - 1) * MS_PER_TOKEN, levels: queued },
    defaultQueueCapacity: { capacity: DEFAULT_QUEUE_CAPACITY, levels: defaultQueue },
  };
  return report;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void measureSchedulerOverhead(process.argv.includes('--quick')).then((report) => console.log(JSON.stringify(report, null, 2)));
}
