/**
 * How many threads ORT's WASM backend gets. ORT's own default is 1 on a 2-core machine; we decide
 * instead, because threads need a cross-origin-isolated page, only pay off when a token's work is
 * large enough to amortise their synchronisation (on a model of a few hundred KB they do not), and
 * leave one core to the page's main thread and compositor, which draw every token, while a token's
 * work is small: on this 2-core machine 2 ORT threads in the app decoded wf-stories15m (15 M) at
 * 66 tok/s against 70–85 with 1. A large model's token is tens of milliseconds of memory-bound work,
 * where a second thread nearly doubles the bandwidth (15 → 28 GB/s measured) and the page's
 * per-token cost is noise: wf-smollm2-135m decoded only 13–15 tok/s on 1 thread.
 */
export interface WasmThreadInputs {
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  parameters: number;
  /** Threads asked for by hand (the engine grid's cells); the page's own limits still apply. */
  requested?: number | undefined;
}

const SMALL_MODEL_PARAMETERS = 2_000_000;
const LARGE_MODEL_PARAMETERS = 50_000_000;
const MAX_THREADS = 4;

export function chooseWasmThreads(inputs: WasmThreadInputs): number {
  if (!inputs.crossOriginIsolated) return 1;
  const cores = Math.max(1, Math.floor(inputs.hardwareConcurrency || 1));
  if (inputs.requested !== undefined) return Math.max(1, Math.min(Math.floor(inputs.requested), cores, MAX_THREADS));
  if (inputs.parameters < SMALL_MODEL_PARAMETERS) return 1;
  if (inputs.parameters >= LARGE_MODEL_PARAMETERS) return Math.min(cores, MAX_THREADS);
  return Math.max(1, Math.min(cores - 1, MAX_THREADS));
}
