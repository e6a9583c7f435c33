/**
 * The benchmark's reference: transformers.js driven directly on a plain page, with the same model
 * files, ORT build, thread count and greedy settings as the app, and timed the same way. The app's
 * figures divided by these are the cost of our worker, RPC and UI. `wfBareWorkerRun` runs the same
 * in a plain worker of its own, to tell the worker's share of that cost from the rest.
 */
import type { BareRunRequest, BareRunResult, BareWorkerReply } from './bare-protocol.ts';
import { runBare } from './bare-runner.ts';
// The benchmark grid's runner (transformers.js per dtype, wllama per GGUF file) on this same page.
import './grid-page.ts';

let worker: Worker | null = null;

function runInWorker(request: BareRunRequest): Promise<BareRunResult> {
  worker ??= new Worker(new URL('./bare-worker.ts', import.meta.url), { type: 'module' });
  const running = worker;
  return new Promise((resolve, reject) => {
    running.onmessage = (event: MessageEvent<BareWorkerReply>) => (event.data.ok ? resolve(event.data.result) : reject(new Error(event.data.error)));
    running.onerror = (event) => reject(new Error(`the bare worker failed: ${event.message}`));
    running.postMessage(request);
  });
}

Object.assign(window, { wfBareRun: runBare, wfBareWorkerRun: runInWorker });
document.documentElement.setAttribute('data-ready', 'true');
