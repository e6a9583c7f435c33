import type { RunRecord } from './run-record.ts';
import { UNKNOWN_ENVIRONMENT, type FingerprintSource, type RunEnvironment } from './run-environment.ts';
import type { RunMetrics } from './run-metrics.ts';

/**
 * A saved reference: the figures of one run, copied, so that the baseline outlives its run when
 * retention rolls the history over.
 */
export interface Baseline extends FingerprintSource {
  id?: number;
  name: string;
  savedAt: number;
  /** The run it was taken from, while that run is still kept. */
  runId: number | null;
  runAt: number;
  promptPreview: string;
  outputTokens: number;
  environment: RunEnvironment;
  metrics: RunMetrics;
}

export function baselineFromRun(record: RunRecord, metrics: RunMetrics, savedAt: number, name?: string): Baseline {
  const device = record.device === 'wasm' ? `wasm ×${record.wasmThreads}` : record.device;
  return {
    name: name?.trim() || `${record.modelId} · ${device} · ${new Date(record.at).toISOString().slice(0, 16).replace('T', ' ')}`,
    savedAt,
    runId: record.id ?? null,
    runAt: record.at,
    promptPreview: record.promptPreview,
    outputTokens: record.outputTokens,
    appVersion: record.appVersion,
    modelId: record.modelId,
    engine: record.engine,
    device: record.device,
    wasmThreads: record.wasmThreads,
    environment: record.environment ?? UNKNOWN_ENVIRONMENT,
    metrics,
  };
}
