/**
 * Starts the worker for an engine kind: the one place that knows which worker file runs which
 * engine, for both the page's single-model client and the scheduler's members. Each `new Worker`
 * keeps its literal `new URL(…, import.meta.url)` so that Vite bundles every worker on its own.
 */
import type { EngineKind } from './engine.ts';
import { SYNTHETIC_WORKER_PREFIX } from './protocol.ts';
import type { SyntheticEngineConfig } from './synthetic-engine.ts';

export type SyntheticWorkerSettings = Partial<Omit<SyntheticEngineConfig, 'clock' | 'sharedLoad'>>;

export function startEngineWorker(engine: EngineKind, name: string, synthetic: SyntheticWorkerSettings = {}): Worker {
  switch (engine) {
    case 'transformers':
      return new Worker(new URL('./transformers.worker.ts', import.meta.url), { type: 'module', name });
    case 'web-llm':
      return new Worker(new URL('./webllm.worker.ts', import.meta.url), { type: 'module', name });
    case 'wllama':
      return new Worker(new URL('./wllama.worker.ts', import.meta.url), { type: 'module', name });
    case 'synthetic':
      return new Worker(new URL('./synthetic.worker.ts', import.meta.url), { type: 'module', name: SYNTHETIC_WORKER_PREFIX + JSON.stringify(synthetic) });
    case 'remote':
      return new Worker(new URL('./remote.worker.ts', import.meta.url), { type: 'module', name });
  }
}
