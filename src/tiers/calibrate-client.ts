// The page's entry to calibration: the cached result for this hardware, or a fresh run in a worker.

import { calibrate } from './calibrate';
import type { CalibrationProgress, CalibrationRequest, CalibrationWorkerMessage } from './calibrate-protocol';
import { readCachedCalibration, writeCachedCalibration } from './calibration-cache';
import { fingerprint } from './fingerprint';
import type { Calibration, HardwareReport } from './report';

/** Calibration takes a few seconds; this long means a hung GPU queue or a dead worker. */
const WORKER_TIMEOUT_MS = 60_000;

export interface GetCalibrationOptions {
  /** Measure again even when a cached result exists ("re-run calibration"). */
  rerun?: boolean;
  onProgress?: (progress: CalibrationProgress) => void;
}

export async function getCalibration(report: HardwareReport, options: GetCalibrationOptions = {}): Promise<Calibration> {
  if (!options.rerun) {
    const cached = await readCachedCalibration(fingerprint(report));
    if (cached) return cached;
  }
  const calibration = await runCalibration(report, options.onProgress);
  await writeCachedCalibration(calibration);
  return calibration;
}

/** In a worker when this context can start one; otherwise on this thread, which it then blocks. */
export function runCalibration(report: HardwareReport, onProgress?: (progress: CalibrationProgress) => void): Promise<Calibration> {
  if (typeof Worker === 'undefined') return calibrate(report, { onProgress });
  const worker = new Worker(new URL('./calibrate.worker.ts', import.meta.url), { type: 'module', name: 'wirthforge-calibrate' });
  return new Promise<Calibration>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`calibration did not finish within ${WORKER_TIMEOUT_MS / 1000} s`)), WORKER_TIMEOUT_MS);
    function finish(outcome: Calibration | Error): void {
      clearTimeout(timer);
      worker.terminate();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    }
    worker.onmessage = (event: MessageEvent<CalibrationWorkerMessage>) => {
      const message = event.data;
      if (message.type === 'progress') onProgress?.(message.progress);
      else if (message.type === 'result') finish(message.calibration);
      else finish(new Error(`calibration failed: ${message.message}`));
    };
    worker.onerror = (event) => {
      // Handled here, as the calibration's failure: not also an uncaught error of the page.
      event.preventDefault();
      finish(new Error(`calibration worker crashed: ${event.message || 'unknown error'}`));
    };
    const request: CalibrationRequest = { type: 'calibrate', report };
    worker.postMessage(request);
  });
}
