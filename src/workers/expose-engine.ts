import * as Comlink from 'comlink';
import type { Engine } from './engine.ts';
import type { EngineWorkerApi } from './protocol.ts';

/** Speaks the engine-worker protocol on behalf of any Engine, turning abort calls into AbortSignals. */
export function exposeEngine(engine: Engine): void {
  const inFlight = new Map<string, AbortController>();
  const api: EngineWorkerApi = {
    load: (options, onProgress) => engine.load(options, onProgress),
    async generate(requestId, request, onToken) {
      const controller = new AbortController();
      inFlight.set(requestId, controller);
      try {
        return await engine.generate(request, onToken, controller.signal);
      } finally {
        inFlight.delete(requestId);
      }
    },
    abort(requestId) {
      inFlight.get(requestId)?.abort();
    },
    unload: () => engine.unload(),
  };
  Comlink.expose(api);
}
