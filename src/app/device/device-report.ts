/**
 * The whole device report as one JSON document, for "Copy report" and "Download report (JSON)":
 * what the browser reported, what was measured, what was decided and why, what that means (profile,
 * budget, limits), each bundled model's pre-flight, the fingerprint and the app version. Pure.
 */
import {
  fingerprint,
  maxModelParams,
  tierNotice,
  type Calibration,
  type Dtype,
  type HardwareReport,
  type MemoryBudget,
  type PreflightResult,
  type ResolvedProfile,
  type TierDecision,
} from '../../tiers/index.ts';

export const DEVICE_REPORT_KIND = 'wirthforge-device-report';

export interface DeviceReport {
  kind: typeof DEVICE_REPORT_KIND;
  schema: 1;
  appVersion: string;
  generatedAt: string;
  fingerprint: string;
  notice: string;
  hardware: HardwareReport;
  calibration: Calibration | null;
  decision: TierDecision;
  profile: ResolvedProfile;
  budget: MemoryBudget;
  /** The spec's max model size, budget ÷ bytes per parameter, per dtype (an upper bound: no KV cache, no overhead). */
  maxModelParams: Record<Dtype, number>;
  /** The WASM thread count the engine will use for the selected model (chooseWasmThreads). */
  wasmThreads: { modelId: string; parameters: number; threads: number } | null;
  models: { id: string; preflight: PreflightResult | null }[];
}

export interface DeviceReportInput {
  appVersion: string;
  now: Date;
  hardware: HardwareReport;
  calibration: Calibration | null;
  decision: TierDecision;
  profile: ResolvedProfile;
  budget: MemoryBudget;
  wasmThreads: DeviceReport['wasmThreads'];
  models: DeviceReport['models'];
}

/** What one model may use: the budget, or less where one engine addresses less (WASM's 4 GiB). */
export function perModelLimit(budget: MemoryBudget): number {
  return budget.perModelMaxBytes === null ? budget.bytes : Math.min(budget.bytes, budget.perModelMaxBytes);
}

export function maxParamsByDtype(budget: MemoryBudget): Record<Dtype, number> {
  const limit = perModelLimit(budget);
  return { fp32: maxModelParams(limit, 'fp32'), fp16: maxModelParams(limit, 'fp16'), q8: maxModelParams(limit, 'q8'), q4: maxModelParams(limit, 'q4') };
}

export function buildDeviceReport(input: DeviceReportInput): DeviceReport {
  return {
    kind: DEVICE_REPORT_KIND,
    schema: 1,
    appVersion: input.appVersion,
    generatedAt: input.now.toISOString(),
    fingerprint: fingerprint(input.hardware),
    notice: tierNotice(input.decision),
    hardware: input.hardware,
    calibration: input.calibration,
    decision: input.decision,
    profile: input.profile,
    budget: input.budget,
    maxModelParams: maxParamsByDtype(input.budget),
    wasmThreads: input.wasmThreads,
    models: input.models,
  };
}

/** "wirthforge-device-low-hw1-0123abcd-2025-11-23.json": tier, fingerprint and date, sortable. */
export function deviceReportFileName(report: Pick<DeviceReport, 'decision' | 'fingerprint' | 'generatedAt'>): string {
  return `wirthforge-device-${report.decision.tier}-${report.fingerprint.slice(0, 12)}-${report.generatedAt.slice(0, 10)}.json`;
}
