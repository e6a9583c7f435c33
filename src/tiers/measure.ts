// Timing a kernel honestly: warm it up (compilation, WASM tier-up, page faults, lazy GPU clears), grow
// the repetitions until one sample is long enough for the timer's resolution, then take several samples.
// Interference (other tabs, other processes, a shared 2-core machine) only ever slows a sample down, so
// the fastest sample is the best estimate of what the hardware can do; the median shows the spread.

export interface SampleOptions {
  /** Untimed runs first. */
  warmups: number;
  /**
   * Idle pause after the warm-ups. WASM tiers up to optimised code on background threads; while every
   * core runs a kernel (2 threads on 2 cores) that compilation starves and the first samples run the
   * baseline code at a fraction of the speed. Pausing lets it finish.
   */
  settleMs: number;
  samples: number;
  /** A sample shorter than this is dominated by timer resolution (100 µs without cross-origin isolation). */
  minSampleMs: number;
  /** Upper bound on repetitions, so a very fast device cannot make the probe loop forever. */
  maxReps: number;
}

export interface SampleResult {
  reps: number;
  /** Fastest sample's time ÷ reps. */
  bestSecondsPerRep: number;
  /** Median over the samples of (sample time ÷ reps). */
  medianSecondsPerRep: number;
  samples: number;
}

/** Runs `reps` repetitions of the kernel and returns the elapsed milliseconds. */
export type TimedRun = (reps: number) => number | Promise<number>;

export async function sampleAdaptive(run: TimedRun, options: SampleOptions): Promise<SampleResult> {
  for (let i = 0; i < options.warmups; i++) await run(1);
  if (options.settleMs > 0) await new Promise((resolve) => setTimeout(resolve, options.settleMs));
  let reps = 1;
  for (;;) {
    const ms = await run(reps);
    if (ms >= options.minSampleMs || reps >= options.maxReps) break;
    // Jump close to the target in one step, but at most 64× so one noisy probe cannot overshoot wildly.
    const factor = Math.min(64, Math.max(2, Math.ceil((1.2 * options.minSampleMs) / Math.max(ms, 0.01))));
    reps = Math.min(options.maxReps, reps * factor);
  }
  const perRep: number[] = [];
  for (let i = 0; i < options.samples; i++) perRep.push((await run(reps)) / 1000 / reps);
  return { reps, bestSecondsPerRep: Math.min(...perRep), medianSecondsPerRep: median(perRep), samples: options.samples };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
