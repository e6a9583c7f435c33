/**
 * The shape every load scenario produces (issue 6), kept as plain data so the results document, the
 * IndexedDB store and the headless bench can hold it as it is.
 */
import type { RemoteServerKind } from '../workers/engine.ts';

export const SCENARIO_IDS = ['sustained', 'burst', 'plugin-heavy', 'council-marathon', 'overload', 'overhead-sweep', 'concurrency-sweep', 'context-sweep', 'engine-grid'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** How long scenarios run: quick fits CI, full is the specification's lengths. */
export const SCENARIO_SETTINGS = ['quick', 'standard', 'full'] as const;
export type ScenarioSetting = (typeof SCENARIO_SETTINGS)[number];

export const SCENARIO_STATUSES = ['pass', 'fail', 'not-available', 'error'] as const;
export type ScenarioStatus = (typeof SCENARIO_STATUSES)[number];

/** The server kinds a fingerprint may name (the remote engine's). */
export const SERVER_KINDS = ['llama.cpp', 'ollama', 'lm-studio', 'vllm', 'other'] as const satisfies readonly RemoteServerKind[];

/** The inference server a scenario ran against: where and what, never how to reach it (no key, no path). */
export interface ServerFingerprint {
  /** `host:port`. */
  host: string;
  model: string;
  kind: RemoteServerKind;
}

/** Where a result was measured, so two results are only compared like with like. */
export interface EnvironmentFingerprint {
  browser: string;
  /** The WebGPU adapter in words ("none" where there is none). */
  adapter: string;
  tier: string;
  engine: string;
  model: string;
  dtype: string;
  /** WASM threads of the engine; null where no WASM engine ran. */
  threads: number | null;
  appVersion: string;
  cores: number | null;
  crossOriginIsolated: boolean;
  /** Only for a scenario run against an inference server; results measured on this device have none. */
  server?: ServerFingerprint;
}

export interface Criterion {
  name: string;
  /** The pass condition in words, with its number and where it comes from. */
  target: string;
  measured: string;
  pass: boolean;
}

export interface Metric {
  median: number;
  min: number;
  max: number;
  p5?: number;
  p95?: number;
  n: number;
  unit: string;
  /** The spread is wide against the median: read the figure with care. */
  noisy: boolean;
  /** Decode figures only: the median as a share of the tier module's bandwidth-bound decode ceiling. */
  ceilingPercent?: number;
}

export interface ScenarioResult {
  id: ScenarioId;
  title: string;
  setting: ScenarioSetting;
  status: ScenarioStatus;
  startedAt: number;
  durationMs: number;
  fingerprint: EnvironmentFingerprint;
  criteria: Criterion[];
  metrics: Record<string, Metric>;
  note?: string;
  error?: string;
}
