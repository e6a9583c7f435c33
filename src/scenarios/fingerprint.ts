/** Where a result was measured, built from the hardware report and what the engine said it loaded. */
import type { HardwareReport } from '../tiers/index.ts';
import type { EnvironmentFingerprint } from './types.ts';
import type { ScenarioContext } from './context.ts';
import { ENGINE_DTYPE } from '../models/model-spec.ts';
import type { LoadInfo } from '../workers/engine.ts';
import { serverFingerprintOf } from './target.ts';

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

/** A scenario's fingerprint: the machine and the app from its context, what ran, and the server it ran on (if any). */
export function scenarioFingerprint(ctx: Pick<ScenarioContext, 'machine' | 'appVersion' | 'target'>, run: Pick<FingerprintInput, 'engine' | 'model' | 'dtype' | 'threads'>): EnvironmentFingerprint {
  const fingerprint = fingerprintOf({ report: ctx.machine.report, tier: ctx.machine.profile.tier, appVersion: ctx.appVersion, ...run });
  const server = serverFingerprintOf(ctx.target);
  return server ? { ...fingerprint, server } : fingerprint;
}

/** What ran, for a scenario that loaded a real model through the engine: as the engine reported it. */
export function loadedEngineRun(info: Pick<LoadInfo, 'engine' | 'device' | 'wasmThreads'>, model: string): Pick<FingerprintInput, 'engine' | 'model' | 'dtype' | 'threads'> {
  return { engine: `${info.engine} (${info.device})`, model, dtype: ENGINE_DTYPE, threads: info.device === 'wasm' ? info.wasmThreads : null };
}
