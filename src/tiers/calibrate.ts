// Calibration: measure what this machine streams and computes, on WASM SIMD and on WebGPU, in a few
// seconds. Meant to run in a worker (calibrate.worker.ts); it blocks the thread it runs on.

import type { CalibrationPhase, CalibrationProgress } from './calibrate-protocol';
import { measureWasm } from './calibrate-wasm';
import { measureWebGpu } from './calibrate-webgpu';
import { requestGpuAdapter, type DetectScope } from './detect';
import { fingerprint } from './fingerprint';
import { TIER_PROFILES } from './profiles';
import type { BackendCalibration, Calibration, HardwareReport } from './report';
import type { HelperFactory } from './wasm-team';

const PHASE_MESSAGES: Record<CalibrationPhase, string> = {
  'wasm-bandwidth': 'Measuring CPU memory bandwidth (WASM SIMD)…',
  'wasm-flops': 'Measuring CPU arithmetic throughput (WASM SIMD)…',
  'webgpu-bandwidth': 'Measuring GPU memory bandwidth (WebGPU)…',
  'webgpu-flops': 'Measuring GPU arithmetic throughput (WebGPU)…',
};

export interface CalibrateOptions {
  onProgress?: (progress: CalibrationProgress) => void;
  /** How helper threads are started; browser workers by default. */
  createHelper?: HelperFactory;
  /** Where to ask for the GPU adapter (tests pass a fake); the global scope by default. */
  scope?: DetectScope;
}

/** The calibration's helper threads are plain module workers, bundled by Vite from this URL. */
export const browserHelperFactory: HelperFactory = () =>
  typeof Worker === 'undefined'
    ? null
    : new Worker(new URL('./calibrate-helper.worker.ts', import.meta.url), { type: 'module', name: 'wirthforge-calibrate-helper' });

/**
 * As many threads as a Low-tier WASM engine would use (that is who decodes under this ceiling), and
 * only with shared memory, which needs cross-origin isolation in a browser.
 */
export function calibrationThreads(report: HardwareReport): number {
  const sharedMemory = typeof SharedArrayBuffer === 'function' && report.crossOriginIsolated;
  return sharedMemory ? Math.max(1, Math.min(report.hardwareConcurrency ?? 1, TIER_PROFILES.low.threads.wasmPerEngineMax)) : 1;
}

export async function calibrate(report: HardwareReport, options: CalibrateOptions = {}): Promise<Calibration> {
  const started = performance.now();
  const total = report.webgpu.available ? 4 : 2;
  let completed = 0;
  const onPhase = (phase: CalibrationPhase) => {
    // A phase starting means the one before it finished.
    if (phase !== 'wasm-bandwidth') completed++;
    options.onProgress?.({ phase, completed, total, message: PHASE_MESSAGES[phase] });
  };

  const wasm = await measureWasm({
    threads: calibrationThreads(report),
    createHelper: options.createHelper ?? browserHelperFactory,
    onPhase,
  });
  const webgpu = await calibrateWebGpu(report, options.scope, onPhase);

  options.onProgress?.({ phase: 'done', completed: total, total, message: 'Calibration finished.' });
  return {
    schema: 1,
    fingerprint: fingerprint(report),
    measuredAt: new Date().toISOString(),
    durationMs: performance.now() - started,
    wasm,
    webgpu,
  };
}

async function calibrateWebGpu(
  report: HardwareReport,
  scope: DetectScope | undefined,
  onPhase: (phase: CalibrationPhase) => void,
): Promise<BackendCalibration> {
  if (!report.webgpu.available) return { status: 'unavailable', backend: 'webgpu', reason: report.webgpu.detail };
  const outcome = await requestGpuAdapter(scope);
  if (outcome.adapter === null) return { status: 'unavailable', backend: 'webgpu', reason: outcome.detail };
  // Software adapters are measured too: their figures show why they are not used.
  return measureWebGpu(outcome.adapter, { onPhase });
}
