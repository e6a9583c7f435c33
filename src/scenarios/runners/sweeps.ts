/**
 * The scheduler's own cost and its queue under load, measured in a worker of their own (lab.ts):
 * - overhead sweep: scheduler time per council turn with N = 2/4/8/12 streams of synthetic engines
 *   with a fixed delay (docs/spec.md: a peer measured 1–3 ms per turn; we aim well under that);
 * - concurrency sweep: latency P50/P95/P99 and error rate with 10/50/100/200/500 requests queued at once
 *   (against an inference server: the page's scheduler in front of the server's model, see below).
 */
import * as Comlink from 'comlink';
import { concurrencyCriteria, idealLastMs, overheadCriteria, type OverheadLevel, type QueueLevel } from '../criteria.ts';
import { CouncilHarness, submitOrThrow } from '../council-harness.ts';
import { remoteMemberOf, targetLabel, type ServerTarget } from '../target.ts';
import type { ScenarioContext, ScenarioDefinition, ScenarioOutcome } from '../context.ts';
import { scenarioFingerprint } from '../fingerprint.ts';
import { p99 } from '../lab.ts';
import type { LabWorkerApi } from '../lab-protocol.ts';
import { metricOf } from '../measure.ts';
import type { Metric } from '../types.ts';

async function withLab<T>(signal: AbortSignal, work: (lab: Comlink.Remote<LabWorkerApi>) => Promise<T>): Promise<T> {
  signal.throwIfAborted();
  const worker = new Worker(new URL('../lab.worker.ts', import.meta.url), { type: 'module', name: 'scenario lab' });
  const lab = Comlink.wrap<LabWorkerApi>(worker);
  // Cancelling ends the worker: whatever it was measuring stops with it.
  const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new DOMException('Cancelled', 'AbortError')), { once: true }));
  aborted.catch(() => {});
  // A crash in the lab fails the scenario, once: comlink alone would wait for an answer forever, and
  // an error left unhandled here would also surface as an uncaught error of the page.
  const crashed = new Promise<never>((_, reject) =>
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      reject(new Error(`the scenario lab worker crashed: ${event.message || 'unknown error'}`));
    }),
  );
  crashed.catch(() => {});
  try {
    return await Promise.race([work(lab), aborted, crashed]);
  } finally {
    lab[Comlink.releaseProxy]();
    worker.terminate();
  }
}

function fingerprint(ctx: ScenarioContext) {
  return scenarioFingerprint(ctx, { engine: 'scheduler core + in-process synthetic engines (lab worker)', model: 'synthetic, fixed delay', dtype: 'n/a', threads: null });
}

async function runOverhead(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const plan = ctx.plans.overhead;
  const levels: OverheadLevel[] = [];
  const metrics: Record<string, Metric> = {};
  await withLab(ctx.signal, async (lab) => {
    for (const [i, streams] of plan.streams.entries()) {
      ctx.progress(i / plan.streams.length, `${streams} streams`);
      const run = await lab.overhead(streams, { turns: plan.turns, warmupTurns: plan.warmupTurns, tokensPerStream: plan.tokensPerStream, msPerToken: plan.msPerToken });
      const perTurnMs = metricOf(run.perTurnMs, 'ms');
      const mean = run.eventMs.reduce((s, v) => s + v, 0) / Math.max(1, run.eventMs.length);
      levels.push({ streams, tokensPerStream: run.tokensPerStream, perTurnMs, perEventMs: { mean, p99: p99(run.eventMs), count: run.eventMs.length }, textDelivered: run.textDelivered });
      metrics[`scheduler ms per turn, N=${streams}`] = perTurnMs;
      metrics[`scheduler µs per token event, N=${streams}`] = metricOf(run.eventMs.map((ms) => 1000 * ms), 'µs');
    }
  });
  return {
    fingerprint: fingerprint(ctx),
    criteria: overheadCriteria(levels),
    metrics,
    note: `${plan.turns} counted turns per level (${plan.warmupTurns} warm-up excluded), ${plan.tokensPerStream} tokens per stream at a fixed ${plan.msPerToken} ms per token. The scheduler's time is its token path, its frame flushes and the submit, the engines' own work excluded; in a worker, so the timer resolution is the browser's (5 µs when cross-origin isolated).`,
  };
}

/**
 * Against an inference server: the same levels, queued at once in this page's scheduler in front of one
 * member on the server, which takes `slots` at a time. The service time is measured, not set: the wall
 * time of one full batch (as many requests as the server has slots) before the sweep, so the FIFO
 * bound judges the queue in front of the server, not how well the server scales (the burst does that).
 */
async function runConcurrencyOnServer(ctx: ScenarioContext, target: ServerTarget): Promise<ScenarioOutcome> {
  const plan = ctx.plans.concurrency;
  const { machine } = ctx;
  const levels: QueueLevel[] = [];
  const metrics: Record<string, Metric> = {};
  const harness = new CouncilHarness(ctx.signal, ctx.subscribeFrames);
  const member = remoteMemberOf(target, 'server', targetLabel(target));
  const request = (i: number) => ({ prompt: `Request ${i}`, maxNewTokens: plan.tokensPerRequest });
  let serviceMs = Number.NaN;
  try {
    await harness.start({ tier: machine.profile.tier, budgetBytes: machine.budget.bytes, perModelMaxBytes: machine.budget.perModelMaxBytes, queueCapacity: plan.queueCapacity }, [member]);
    ctx.progress(0, `measuring one batch of ${target.slots} on ${target.host}`);
    const batches: number[] = [];
    for (let b = 0; b < SERVICE_BATCHES + 1; b++) {
      const answers = await Promise.all(Array.from({ length: target.slots }, (_, i) => submitOrThrow(harness, request(i))));
      const ends = await harness.jobsEnded(answers.map((a) => a.jobs[0]!.jobId));
      // The first batch loads the member and opens connections: excluded.
      if (b > 0) batches.push(Math.max(...ends.map((e) => e.endedAtMs)) - Math.min(...ends.map((e) => e.queuedAtMs)));
    }
    serviceMs = metricOf(batches, 'ms').median;
    for (const [i, requests] of plan.levels.entries()) {
      ctx.progress((i + 1) / (plan.levels.length + 1), `${requests} requests queued`);
      const answers = await Promise.all(Array.from({ length: requests }, (_, j) => harness.submit(request(j))));
      const accepted = answers.flatMap((a) => (a.accepted ? [a.jobs[0]!.jobId] : []));
      const ends = await harness.jobsEnded(accepted, 60_000 + 4 * idealLastMs(requests, target.slots, serviceMs));
      const latenciesMs = ends.map((e) => e.endedAtMs - e.queuedAtMs);
      const latency = metricOf(latenciesMs, 'ms');
      levels.push({ requests, accepted: accepted.length, failed: ends.filter((e) => e.status !== 'done').length, concurrency: target.slots, serviceMs, latency, p99Ms: p99(latenciesMs), maxMs: latency.max });
      metrics[`latency, ${requests} queued`] = latency;
    }
  } finally {
    await harness.dispose();
  }
  return {
    fingerprint: scenarioFingerprint(ctx, { engine: `remote (${target.server}) via the scheduler worker, ${target.slots} slot(s)`, model: target.model, dtype: 'as the server runs it', threads: null }),
    criteria: concurrencyCriteria(levels),
    metrics,
    note: `Requests of ${plan.tokensPerRequest} tokens submitted at once to ${targetLabel(target)}, which takes ${target.slots} at a time (its declared slots); queue capacity ${plan.queueCapacity}; latency from submit to the job's end. Service time measured as the median wall time of ${SERVICE_BATCHES} full batches of ${target.slots}: ${serviceMs.toFixed(0)} ms. Errors are requests the server failed or refused.`,
  };
}

/** Full batches timed before a sweep against a server (after one excluded warm-up batch). */
const SERVICE_BATCHES = 3;

async function runConcurrency(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  if (ctx.target.kind === 'server') return runConcurrencyOnServer(ctx, ctx.target);
  const plan = ctx.plans.concurrency;
  const levels: QueueLevel[] = [];
  const metrics: Record<string, Metric> = {};
  await withLab(ctx.signal, async (lab) => {
    for (const [i, requests] of plan.levels.entries()) {
      ctx.progress(i / plan.levels.length, `${requests} requests queued`);
      const run = await lab.queue(requests, { concurrency: plan.concurrency, queueCapacity: plan.queueCapacity, tokensPerRequest: plan.tokensPerRequest, msPerToken: plan.msPerToken });
      const latency = metricOf(run.latenciesMs, 'ms');
      levels.push({ requests, accepted: run.accepted, failed: run.failed, concurrency: run.concurrency, serviceMs: run.serviceMs, latency, p99Ms: p99(run.latenciesMs), maxMs: latency.max });
      metrics[`latency, ${requests} queued`] = latency;
    }
  });
  return {
    fingerprint: fingerprint(ctx),
    criteria: concurrencyCriteria(levels),
    metrics,
    note: `Requests of ${plan.tokensPerRequest} tokens at ${plan.msPerToken} ms each (${plan.tokensPerRequest * plan.msPerToken} ms of service) submitted at once to a council of ${plan.concurrency} generating ${plan.concurrency} at a time, queue capacity ${plan.queueCapacity}; latency from submit to the job's end. Latency figures spread by design (the queue position), so "noisy" here describes the queue, not the measurement.`,
  };
}

export const overheadSweep: ScenarioDefinition = {
  id: 'overhead-sweep',
  title: 'Scheduler overhead sweep',
  summary: "The scheduler's own time per council turn with 2, 4, 8 and 12 streams.",
  run: runOverhead,
};

export const concurrencySweep: ScenarioDefinition = {
  id: 'concurrency-sweep',
  title: 'Concurrency sweep',
  summary: 'Latency P50/P95/P99 and error rate with 10 to 500 requests queued at once.',
  run: runConcurrency,
};
