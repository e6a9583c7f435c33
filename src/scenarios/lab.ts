/**
 * The scheduler measured on its own, as src/scheduler/overhead.bench.ts does in Node, but wherever it
 * runs (the Bench view runs it in a worker of its own): the `Scheduler` core over in-process synthetic
 * engines with a fixed delay, real time.
 * - `measureOverhead`: time spent in the scheduler's token path (timed around the callback each engine
 *   calls), per frame flush and per submit (the engines' own set-up subtracted), per council turn.
 * - `measureQueue`: N one-member requests submitted at once; latency from submit to end, errors.
 */
import { summarize } from '../metrics/stats.ts';
import { newTimers, syntheticMember, timedScheduler } from '../scheduler/overhead-harness.ts';

export interface OverheadRun {
  streams: number;
  tokensPerStream: number;
  /** Scheduler time per counted turn: its token path, its frame flushes and the submit. */
  perTurnMs: number[];
  /** Every counted token event's time in the scheduler. */
  eventMs: number[];
  textDelivered: boolean;
}

export async function measureOverhead(
  streams: number,
  options: { turns: number; warmupTurns: number; tokensPerStream: number; msPerToken: number },
  signal?: AbortSignal,
): Promise<OverheadRun> {
  const timers = newTimers();
  const flushes = timers.flushes;
  const { scheduler, batcher, chars } = timedScheduler(streams, timers);
  scheduler.setCouncil(Array.from({ length: streams }, (_, i) => syntheticMember(i, options.msPerToken, options.msPerToken)));
  const perTurnMs: number[] = [];
  const eventMs: number[] = [];
  let expectedChars = 0;
  let countedChars = 0;
  try {
    for (let t = 0; t < options.warmupTurns + options.turns; t++) {
      signal?.throwIfAborted();
      if (t === options.warmupTurns) {
        // Text of the warm-up turns may still sit in the batcher: count from a clean slate.
        batcher.flushAll();
        countedChars = chars();
      }
      timers.events.length = 0;
      flushes.length = 0;
      const engineBefore = timers.engineMs;
      const t0 = performance.now();
      const answer = scheduler.submit({ prompt: `turn ${t}: tell the council something`, maxNewTokens: options.tokensPerStream });
      const submitMs = performance.now() - t0 - (timers.engineMs - engineBefore);
      if (!answer.accepted) throw new Error(answer.message);
      const outcome = await scheduler.whenDone(answer.turnId);
      const counted = t >= options.warmupTurns;
      for (const job of outcome.jobs) {
        if (job.status !== 'done') throw new Error(`job ${job.jobId} ${job.status}: ${job.error?.message ?? ''}`);
        if (counted) expectedChars += job.result?.text.length ?? 0;
      }
      if (!counted) continue;
      const sum = (xs: number[]) => xs.reduce((s, v) => s + v, 0);
      perTurnMs.push(sum(timers.events) + sum(flushes) + submitMs);
      eventMs.push(...timers.events);
    }
    batcher.flushAll();
    return { streams, tokensPerStream: options.tokensPerStream, perTurnMs, eventMs, textDelivered: chars() - countedChars >= expectedChars };
  } finally {
    batcher.dispose();
    await scheduler.shutdown();
  }
}

export interface QueueRun {
  requests: number;
  concurrency: number;
  queueCapacity: number;
  serviceMs: number;
  accepted: number;
  rejectedOverloaded: number;
  failed: number;
  latenciesMs: number[];
}

export async function measureQueue(
  requests: number,
  options: { concurrency: number; queueCapacity: number; tokensPerRequest: number; msPerToken: number },
  signal?: AbortSignal,
): Promise<QueueRun> {
  const { concurrency, tokensPerRequest, msPerToken } = options;
  const { scheduler, batcher } = timedScheduler(concurrency, newTimers(), options.queueCapacity);
  scheduler.setCouncil(Array.from({ length: concurrency }, (_, i) => syntheticMember(i, msPerToken, msPerToken)));
  try {
    // Load every member first, so the latency is queueing and generation, not first loads.
    const warm = scheduler.submit({ prompt: 'warm up', maxNewTokens: 1 });
    if (!warm.accepted) throw new Error(warm.message);
    await scheduler.whenDone(warm.turnId);
    signal?.throwIfAborted();
    const submittedAt: number[] = [];
    const answers = Array.from({ length: requests }, (_, i) => {
      submittedAt[i] = performance.now();
      return scheduler.submit({ prompt: `Request ${i}: summarise the council so far.`, maxNewTokens: tokensPerRequest, members: [`m${i % concurrency}`] });
    });
    const latenciesMs: number[] = [];
    let failed = 0;
    const abort = () => {
      for (const a of answers) if (a.accepted) scheduler.cancel(a.turnId);
    };
    signal?.addEventListener('abort', abort, { once: true });
    await Promise.all(
      answers.map(async (a, i) => {
        if (!a.accepted) return;
        const outcome = await scheduler.whenDone(a.turnId);
        latenciesMs.push(performance.now() - submittedAt[i]!);
        if (outcome.jobs.some((j) => j.status !== 'done')) failed++;
      }),
    );
    signal?.removeEventListener('abort', abort);
    signal?.throwIfAborted();
    return {
      requests,
      concurrency,
      queueCapacity: options.queueCapacity,
      serviceMs: msPerToken * tokensPerRequest,
      accepted: answers.filter((a) => a.accepted).length,
      rejectedOverloaded: answers.filter((a) => !a.accepted && a.code === 'overloaded').length,
      failed,
      latenciesMs,
    };
  } finally {
    batcher.dispose();
    await scheduler.shutdown();
  }
}

/** p99 of raw values (the Metric shape carries p5/p95 only). */
export function p99(values: readonly number[]): number {
  return summarize(values).p99;
}
