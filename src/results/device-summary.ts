import { environmentFromReport } from '../metrics/environment-from-report.ts';
import type { HardwareReport, TierDecision } from '../tiers/index.ts';
import type { ResultDevice } from './result-document.ts';

/** The device part of a result document: the tier with its reasons in words, nothing identifying beyond that. */
export function deviceSummary(report: HardwareReport | null, decision: TierDecision | null): ResultDevice {
  const environment = environmentFromReport(report, decision?.tier ?? null, null);
  return {
    tier: decision?.tier ?? null,
    tierReasons: decision ? decision.reasons.map((r) => r.text) : [],
    adapter: environment.adapter,
    browser: environment.browser,
    cores: report?.hardwareConcurrency ?? null,
    deviceMemoryGB: report?.deviceMemoryGiB ?? null,
  };
}
