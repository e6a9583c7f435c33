/**
 * The "simulated model": a SyntheticEngine behind the engine-worker protocol, so the council can be
 * tried without downloads. Its timetable, footprint and faults come in the worker's name
 * (`synthetic:` + JSON, see `syntheticWorkerName`), because the protocol's `load` carries only a model
 * id and the worker must be configured before comlink answers anything.
 *
 * An injected `crash` really kills this worker (an uncaught error, then `close()`), so the scheduler
 * meets it exactly as it would meet a worker the browser killed.
 */
import type { Engine } from './engine.ts';
import { exposeEngine } from './expose-engine.ts';
import { endWorker } from './worker-exit.ts';
import { SyntheticEngine, isSimulatedCrash, type SyntheticEngineConfig } from './synthetic-engine.ts';
import { SYNTHETIC_WORKER_PREFIX } from './protocol.ts';

type SyntheticSettings = Partial<Omit<SyntheticEngineConfig, 'clock' | 'sharedLoad'>>;

function settingsFromName(name: string): SyntheticSettings {
  if (!name.startsWith(SYNTHETIC_WORKER_PREFIX)) return {};
  try {
    return JSON.parse(name.slice(SYNTHETIC_WORKER_PREFIX.length)) as SyntheticSettings;
  } catch {
    return {};
  }
}

const engine = new SyntheticEngine(settingsFromName((self as unknown as { name: string }).name));

const crashing: Engine = {
  kind: 'synthetic',
  load: (options, onProgress) => engine.load(options, onProgress).catch((error: unknown) => (isSimulatedCrash(error) ? endWorker(error) : Promise.reject(error))),
  generate: (request, onToken, signal) =>
    engine.generate(request, onToken, signal).catch((error: unknown) => (isSimulatedCrash(error) ? endWorker(error) : Promise.reject(error))),
  unload: () => engine.unload(),
  footprintBytes: () => engine.footprintBytes(),
};

exposeEngine(crashing);
