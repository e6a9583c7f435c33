import { buildResultDocument, resultCacheOf, type ResultDocument, type ResultResponseCache } from './result-document.ts';
import type { RunRecord } from '../metrics/run-record.ts';

/** A run as the store keeps it (the figures of a real wf-tiny run on this machine). */
export const sampleRun: RunRecord = {
  id: 1,
  at: 1_795_000_000_000,
  appVersion: '0.1.0',
  modelId: 'wf-tiny',
  engine: 'transformers.js',
  device: 'wasm',
  wasmThreads: 1,
  promptPreview: 'Hello a',
  promptTokens: 8,
  outputTokens: 16,
  finishReason: 'length',
  ttftMs: 11.2,
  prefillMs: 9.8,
  decodeTps: 410.5,
  gapP50Ms: 2.3,
  gapP95Ms: 3.9,
  gapP99Ms: 4.4,
  totalMs: 48.1,
  pageTtftMs: 14.9,
  pageDecodeTps: 380.2,
  environment: { browser: 'Chromium 156', adapter: 'Google SwiftShader (fallback)', tier: 'low', hardwareId: 'hw1-abc', dtype: 'fp32' },
};

export function sampleDocument(runs: RunRecord[] = [sampleRun]): ResultDocument {
  return buildResultDocument({
    appVersion: '0.1.0',
    now: 1_795_000_100_000,
    device: { tier: 'low', tierReasons: ['The WebGPU adapter is a software fallback.'], adapter: 'Google SwiftShader (fallback)', browser: 'Chromium 156', cores: 2, deviceMemoryGB: 8 },
    runs,
    scenarios: [
      {
        id: 'overload',
        title: 'Overload',
        setting: 'quick',
        status: 'pass',
        startedAt: 1_795_000_050_000,
        durationMs: 4200,
        fingerprint: { browser: 'Chromium 156', adapter: 'none', tier: 'low', engine: 'synthetic', model: 'simulated', dtype: 'none', threads: null, appVersion: '0.1.0', cores: 2, crossOriginIsolated: true },
        criteria: [{ name: 'bounded queue', target: '≤ 32 queued', measured: '32 queued, 18 refused', pass: true }],
        metrics: { rejectMs: { median: 0.4, min: 0.2, max: 1.1, n: 18, unit: 'ms', noisy: false } },
      },
    ],
  });
}

/** The cache's figures after a prompt asked three times in one tab: a miss (stored), then two memory hits. */
export const sampleCache: ResultResponseCache = resultCacheOf(true, {
  memory: { lookups: 3, hits: 2, evictions: 0, bytes: 1840, entries: 1 },
  shared: { lookups: 1, hits: 0, evictions: 0, bytes: 0, entries: 0 },
  disk: { lookups: 1, hits: 0, evictions: 0, bytes: 1840, entries: 1 },
});
