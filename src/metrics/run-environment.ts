/**
 * The environment fingerprint every stored result carries: what its figures depend on besides the
 * code. Two results are only comparable like for like when these agree; the baseline panel and the
 * bench comparison name every field that differs.
 */

/** Facts gathered on the page (hardware report, tier decision, manifest); null where not known. */
export interface RunEnvironment {
  /** Browser brand and major version, e.g. "Chromium 156". */
  browser: string | null;
  /** The WebGPU adapter in words, or "none". */
  adapter: string | null;
  tier: string | null;
  /** src/tiers' hardware fingerprint ("hw1-…"), stable for the same machine and browser. */
  hardwareId: string | null;
  dtype: string | null;
}

export const UNKNOWN_ENVIRONMENT: RunEnvironment = { browser: null, adapter: null, tier: null, hardwareId: null, dtype: null };

/** The fields of a run that make up its full fingerprint. */
export interface FingerprintSource {
  appVersion: string;
  modelId: string;
  engine: string;
  device: string;
  wasmThreads: number;
  environment?: RunEnvironment;
}

export type Fingerprint = Record<'app version' | 'browser' | 'adapter' | 'tier' | 'engine' | 'model' | 'dtype' | 'device' | 'threads', string | null>;

export function fingerprintOf(run: FingerprintSource): Fingerprint {
  const env = run.environment ?? UNKNOWN_ENVIRONMENT;
  return {
    'app version': run.appVersion,
    browser: env.browser,
    adapter: env.adapter,
    tier: env.tier,
    engine: run.engine,
    model: run.modelId,
    dtype: env.dtype,
    device: run.device,
    threads: run.device === 'wasm' ? String(run.wasmThreads) : null,
  };
}

export interface FingerprintDifference {
  field: keyof Fingerprint;
  baseline: string | null;
  current: string | null;
}

/** Fields known on both sides that disagree; an unknown field (a run kept from v1) is no difference. */
export function fingerprintDifferences(baseline: Fingerprint, current: Fingerprint): FingerprintDifference[] {
  return (Object.keys(baseline) as Array<keyof Fingerprint>)
    .filter((field) => baseline[field] !== null && current[field] !== null && baseline[field] !== current[field])
    .map((field) => ({ field, baseline: baseline[field], current: current[field] }));
}
