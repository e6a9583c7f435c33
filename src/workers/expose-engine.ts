import * as Comlink from 'comlink';
import type { Engine } from './engine.ts';
import { CANCEL_FLAG_SET, type EngineWorkerApi, type TokenPortMessage } from './protocol.ts';
import { holdLifelineLock } from './lifeline-lock.ts';

/** Speaks the engine-worker protocol on behalf of any Engine, turning abort calls into AbortSignals. */
export function exposeEngine(engine: Engine): void {
  const inFlight = new Map<string, AbortController>();
  const api: EngineWorkerApi = {
    load: (options, onProgress) => engine.load(options, onProgress),
    async generate(requestId, request, tokenPort, cancelFlag) {
      const controller = new AbortController();
      inFlight.set(requestId, controller);
      // abort() fires its listeners synchronously, so an engine stops at this very token.
      const checkFlag = (): void => {
        if (cancelFlag && !controller.signal.aborted && Atomics.load(cancelFlag, 0) === CANCEL_FLAG_SET) controller.abort();
      };
      try {
        return await engine.generate(
          request,
          (token) => {
            tokenPort.postMessage({ kind: 'token', token } satisfies TokenPortMessage);
            checkFlag();
          },
          controller.signal,
        );
      } finally {
        tokenPort.postMessage({ kind: 'end' } satisfies TokenPortMessage);
        tokenPort.close();
        inFlight.delete(requestId);
      }
    },
    abort(requestId) {
      inFlight.get(requestId)?.abort();
    },
    unload: () => engine.unload(),
    ping: () => true,
    holdLifeline: (name) => holdLifelineLock(name),
  };
  Comlink.expose(api);
}
