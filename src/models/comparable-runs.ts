/**
 * Which stored runs measured the same thing, so that their figures may be pooled or set against each
 * other: the one rule behind Auto's build choice (build-choice.ts) and a run's "usual" in its "Why?"
 * (src/app/monitor/run-diagnosis.ts). It lives here, not in src/metrics, because src/models ranks below
 * src/metrics and both callers must reach it. Pure: plain facts in, a yes or no out.
 */

/** The facts of one stored run that decide what it compares with. */
export interface ComparableRun {
  modelId: string;
  /** The device it ran on: wasm or webgpu. */
  device: string;
  /** The precision its record names; null where not recorded. */
  dtype: string | null;
  /** The hardware it ran on (src/tiers' fingerprint); null in runs kept before it was recorded. */
  hardwareId: string | null;
  decodeTps: number;
  outputTokens: number;
}

/** What the runs are compared with: a build on a device, on a machine. */
export interface RunTarget {
  modelId: string;
  device: string;
  dtype: string | null;
  /** Null while this machine's is not known: then no run is left out for its hardware. */
  hardwareId: string | null;
}

export interface ComparableOptions {
  /**
   * Whether the precision must agree. Not where the record's precision does not name the build: a GGUF
   * build's precision is in its id, and its record carries the page's default dtype.
   */
  matchDtype: boolean;
  /**
   * Whether only runs with a decode rate count (two tokens or more, a positive finite rate), for a
   * caller that compares nothing but decode rates. A one-token run still has a first-token time.
   */
  decodeRateOnly: boolean;
}

/** Like for like: same model, device, precision and machine; every run counts, a one-token run too. */
export const LIKE_FOR_LIKE: ComparableOptions = { matchDtype: true, decodeRateOnly: false };

function hasDecodeRate(run: Pick<ComparableRun, 'decodeTps' | 'outputTokens'>): boolean {
  return run.outputTokens >= 2 && Number.isFinite(run.decodeTps) && run.decodeTps > 0;
}

/**
 * Whether `run` measured `target`: the same model and device, the same hardware where both say which
 * (runs kept before the fingerprint was recorded count as this machine's), and what `options` add.
 */
export function isComparableRun(run: ComparableRun, target: RunTarget, options: ComparableOptions = LIKE_FOR_LIKE): boolean {
  const sameHardware = run.hardwareId === null || target.hardwareId === null || run.hardwareId === target.hardwareId;
  return (
    run.modelId === target.modelId &&
    run.device === target.device &&
    sameHardware &&
    (!options.matchDtype || run.dtype === target.dtype) &&
    (!options.decodeRateOnly || hasDecodeRate(run))
  );
}
