/**
 * The scheduler measured on its own: the `Scheduler` core over in-process synthetic engines, with the
 * time spent in its token path (timed around the callback each engine calls), in each frame flush and
 * in the engines' own synchronous set-up (to subtract from a submit). Shared by the Node benchmark
 * (overhead.bench.ts) and the Bench view's sweeps (src/scenarios/lab.ts).
 */
import { TIER_PROFILES } from '../tiers/index.ts';
import type { Engine } from '../workers/engine.ts';
import { SyntheticEngine } from '../workers/synthetic-engine.ts';
import { FrameBatcher, animationFrames } from './frame-batcher.ts';
import type { MemberConfig } from './protocol.ts';
import { Scheduler } from './scheduler.ts';
import { InProcessTransport } from '../workers/transport.ts';

export function syntheticMember(i: number, ttftMs: number, msPerToken: number): MemberConfig {
  return {
    id: `m${i}`,
    label: `m${i}`,
    engine: 'synthetic',
    modelId: `sim-${i}`,
    device: 'auto',
    footprintBytes: 100e6,
    synthetic: { seed: i + 1, ttftMs, msPerToken, jitter: 0, footprintBytes: 100e6 },
  };
}

export interface SchedulerTimers {
  /** Time in the scheduler per token event (ms). */
  events: number[];
  /** Time per frame flush (ms). */
  flushes: number[];
  /** Time the engines themselves spent inside generate() calls (their synchronous set-up). */
  engineMs: number;
}

export const newTimers = (): SchedulerTimers => ({ events: [], flushes: [], engineMs: 0 });

function timedEngine(inner: Engine, timers: SchedulerTimers): Engine {
  return {
    kind: inner.kind,
    load: (options, onProgress) => inner.load(options, onProgress),
    unload: () => inner.unload(),
    footprintBytes: () => inner.footprintBytes(),
    generate: (request, onToken, signal) => {
      const t0 = performance.now();
      const result = inner.generate(
        request,
        (token) => {
          const t1 = performance.now();
          onToken(token);
          timers.events.push(performance.now() - t1);
        },
        signal,
      );
      timers.engineMs += performance.now() - t0;
      return result;
    },
  };
}

/** A High-tier scheduler with an unbounded budget running `concurrency` streams, timed into `timers`. */
export function timedScheduler(concurrency: number, timers: SchedulerTimers, queueCapacity?: number) {
  let chars = 0;
  const batcher = new FrameBatcher((batch) => {
    for (const c of batch.chunks) chars += c.text.length;
  }, animationFrames);
  const flush = batcher.flush.bind(batcher);
  batcher.flush = () => {
    const t0 = performance.now();
    flush();
    timers.flushes.push(performance.now() - t0);
  };
  const scheduler = new Scheduler({
    profile: TIER_PROFILES.high,
    budget: { bytes: 1e12, perModelMaxBytes: null },
    concurrencyOverride: concurrency,
    ...(queueCapacity !== undefined ? { queueCapacity } : {}),
    createTransport: (m) => new InProcessTransport(timedEngine(new SyntheticEngine(m.synthetic), timers)),
    events: { token: (t) => batcher.pushToken(t), jobEnd: (o) => batcher.pushEnd(o) },
  });
  return { scheduler, batcher, chars: () => chars };
}
