import { interTokenGaps } from './generation-metrics.ts';

/** Per-run samples, stored apart from the run (store `samples`, keyed by the run's id). */
export interface RunSamples {
  runId: number;
  /** Gaps between consecutive tokens on the engine's clock, ms. */
  engineGapsMs: number[];
  /** The same gaps as the page saw the tokens arrive, ms. */
  pageGapsMs: number[];
}

/** Beyond this many tokens a run's samples are cut: a percentile over 8192 gaps is settled, and the store stays bounded. */
export const MAX_SAMPLES_PER_RUN = 8192;

export function runSamples(engineTokenTimesMs: readonly number[], pageArrivalTimesMs: readonly number[]): Omit<RunSamples, 'runId'> {
  return {
    engineGapsMs: interTokenGaps(engineTokenTimesMs.slice(0, MAX_SAMPLES_PER_RUN + 1)),
    pageGapsMs: interTokenGaps(pageArrivalTimesMs.slice(0, MAX_SAMPLES_PER_RUN + 1)),
  };
}
