/**
 * "Report a performance issue": one JSON with what a maintainer needs to see a slowdown — the recent
 * runs (prompts left out), the scheduler's audit log and the device report — for the user to read
 * before saving it. Nothing is sent anywhere.
 */
import type { RunRecord } from '../metrics/run-record.ts';
import type { AuditRecord } from '../scheduler/audit-log.ts';
import { resultRunOf, type ResultRun } from './result-document.ts';

export interface PerfReport {
  kind: 'wirthforge-perf-report';
  version: 1;
  createdAt: string;
  appVersion: string;
  userAgent: string;
  device: unknown;
  runs: ResultRun[];
  audit: AuditRecord[];
}

export function buildPerfReport(input: { appVersion: string; now: Date; userAgent: string; device: unknown; runs: readonly RunRecord[]; audit: readonly AuditRecord[] }): PerfReport {
  return {
    kind: 'wirthforge-perf-report',
    version: 1,
    createdAt: input.now.toISOString(),
    appVersion: input.appVersion,
    userAgent: input.userAgent,
    device: input.device,
    runs: input.runs.map(resultRunOf),
    audit: [...input.audit],
  };
}
