/**
 * How many threads ORT's WASM backend gets. ORT's own default is 1 on a 2-core machine; we decide
 * instead, because threads need a cross-origin-isolated page and only pay off when a token's work is
 * large enough to amortise their synchronisation (on a model of a few hundred KB they do not).
 */
export interface WasmThreadInputs {
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  parameters: number;
  requested?: number;
}

const SMALL_MODEL_PARAMETERS = 2_000_000;
const MAX_THREADS = 4;

export function chooseWasmThreads(inputs: WasmThreadInputs): number {
  if (!inputs.crossOriginIsolated) return 1;
  const cores = Math.max(1, Math.floor(inputs.hardwareConcurrency || 1));
  if (inputs.requested !== undefined && inputs.requested >= 1) return Math.min(Math.floor(inputs.requested), cores);
  if (inputs.parameters < SMALL_MODEL_PARAMETERS) return 1;
  return Math.min(cores, MAX_THREADS);
}
