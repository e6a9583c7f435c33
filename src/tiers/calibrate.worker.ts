// Entry of the calibration worker: one request in, progress and one result (or error) out.

import { calibrate } from './calibrate';
import type { CalibrationRequest, CalibrationWorkerMessage } from './calibrate-protocol';

function send(message: CalibrationWorkerMessage): void {
  self.postMessage(message);
}

self.onmessage = (event: MessageEvent<CalibrationRequest>) => {
  if (event.data?.type !== 'calibrate') return;
  calibrate(event.data.report, { onProgress: (progress) => send({ type: 'progress', progress }) }).then(
    (calibration) => send({ type: 'result', calibration }),
    (error: unknown) => send({ type: 'error', message: String(error) }),
  );
};
