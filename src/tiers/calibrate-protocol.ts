// Messages between the page and the calibration worker: types only, apart from the code that speaks them.

import type { Calibration, HardwareReport } from './report';

export type CalibrationPhase = 'wasm-bandwidth' | 'wasm-flops' | 'webgpu-bandwidth' | 'webgpu-flops';

export interface CalibrationProgress {
  phase: CalibrationPhase | 'done';
  /** Phases finished so far, out of total. */
  completed: number;
  total: number;
  message: string;
}

export interface CalibrationRequest {
  type: 'calibrate';
  report: HardwareReport;
}

export type CalibrationWorkerMessage =
  | { type: 'progress'; progress: CalibrationProgress }
  | { type: 'result'; calibration: Calibration }
  | { type: 'error'; message: string };
