// Entry of a calibration helper thread: joins the team on the first message and then lives in
// runHelper's Atomics loop until the team closes or terminates it.

import { runHelper, type HelperInit } from './wasm-team';

self.onmessage = (event: MessageEvent<HelperInit>) => {
  if (event.data?.kind === 'wirthforge-simd-helper') runHelper(event.data);
};
