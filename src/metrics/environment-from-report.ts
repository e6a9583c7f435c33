import { fingerprint, type HardwareReport } from '../tiers/index.ts';
import { UNKNOWN_ENVIRONMENT, type RunEnvironment } from './run-environment.ts';

/** The run's environment from the page's hardware report and tier decision; unknown parts stay null. */
export function environmentFromReport(report: HardwareReport | null, tier: string | null, dtype: string | null): RunEnvironment {
  if (!report) return { ...UNKNOWN_ENVIRONMENT, tier, dtype };
  const ua = report.userAgent;
  const gpu = report.webgpu;
  const adapterWords = gpu.available ? [gpu.adapter.vendor, gpu.adapter.architecture, gpu.adapter.description].filter(Boolean).join(' ') || 'unnamed adapter' : null;
  return {
    browser: ua.brand === 'unknown' ? null : `${ua.brand} ${ua.version}`.trim(),
    adapter: gpu.available ? `${adapterWords}${gpu.isFallbackAdapter ? ' (fallback)' : ''}` : 'none',
    tier,
    hardwareId: fingerprint(report),
    dtype,
  };
}
