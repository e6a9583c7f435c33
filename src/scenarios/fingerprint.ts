/** Where a result was measured, built from the hardware report and what the engine said it loaded. */
import type { HardwareReport } from '../tiers/report.ts';
import type { EnvironmentFingerprint } from './types.ts';

export interface FingerprintInput {
  report: HardwareReport | null;
  tier: string | null;
  appVersion: string;
  engine: string;
  model: string;
  dtype: string;
  threads: number | null;
}

export function adapterWords(report: HardwareReport | null): string {
  const gpu = report?.webgpu;
  if (!gpu || !gpu.available) return 'none';
  const info = gpu.adapter;
  const name = [info.vendor, info.architecture, info.device, info.description].filter((x) => x.length > 0).join(' ');
  return `${name || 'unnamed adapter'}${gpu.isFallbackAdapter ? ' (fallback adapter)' : ''}`;
}

export function fingerprintOf(input: FingerprintInput): EnvironmentFingerprint {
  const ua = input.report?.userAgent;
  return {
    browser: ua && ua.brand ? `${ua.brand} ${ua.version} (${ua.platform})` : 'unknown',
    adapter: adapterWords(input.report),
    tier: input.tier ?? 'unknown',
    engine: input.engine,
    model: input.model,
    dtype: input.dtype,
    threads: input.threads,
    appVersion: input.appVersion,
    cores: input.report?.hardwareConcurrency ?? null,
    crossOriginIsolated: input.report?.crossOriginIsolated ?? false,
  };
}
