/**
 * The scheduler's own cost and its queue under load, measured in a worker of their own (lab.ts):
 * - overhead sweep: scheduler time per council turn with N = 2/4/8/12 streams of synthetic engines
 *   with a fixed delay (docs/spec.md: a peer measured 1–3 ms per turn; we aim well under that);
 * - concurrency sweep: latency P50/P95/P99 and error rate with 10/50/100/200/500 requests queued at once.
 */
import * as Comlink from 'comlink';
import { concurrencyCriteria, overheadCriteria, type OverheadLevel, type QueueLevel } from '../criteria.ts';
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

async function runConcurrency(ctx: ScenarioContext): Promise<ScenarioOutcome> {
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
