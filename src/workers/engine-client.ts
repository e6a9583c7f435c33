import * as Comlink from 'comlink';
import type { EngineKind, GenerateRequest, GenerationResult, LoadInfo, LoadOptions, LoadProgress } from './engine.ts';
import type { EngineWorkerApi } from './protocol.ts';
import { openTokenStream, raiseCancelFlag, sharedCancelFlag } from './engine-stream.ts';
import { EngineError, toEngineError } from './errors.ts';
import { startEngineWorker } from './engine-workers.ts';

/** A text piece as it reached the page, stamped with the page's clock. */
export interface ArrivedToken {
  text: string;
  index: number;
  arrivedAtMs: number;
}

export interface ClientGeneration {
  result: GenerationResult;
  sentAtMs: number;
  arrivals: ArrivedToken[];
  endedAtMs: number;
}

/**
 * The page's handle on one engine worker. A crashed worker fails every pending call with a clear
 * error instead of leaving promises hanging, and the next load starts a fresh worker.
 */
export class EngineClient {
  private worker: Worker | null = null;
  private api: Comlink.Remote<EngineWorkerApi> | null = null;
  private crash: Promise<never> | null = null;
  private nextRequest = 0;

  private start(engine: EngineKind): Comlink.Remote<EngineWorkerApi> {
    this.dispose();
    const worker = startEngineWorker(engine, 'engine');
    this.crash = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (event) => {
        reject(new EngineError('crashed', `The engine worker crashed: ${event.message || 'no details given'}. Load the model again to restart it.`));
        this.dispose();
      });
    });
    this.crash.catch(() => {});
    this.worker = worker;
    this.api = Comlink.wrap<EngineWorkerApi>(worker);
    return this.api;
  }

  private async call<T>(work: Promise<T>): Promise<T> {
    try {
      return await (this.crash ? Promise.race([work, this.crash]) : work);
    } catch (error) {
      throw toEngineError(error);
    }
  }

  /** Starts a fresh worker for `engine` (the previous one ends) and loads the model in it. */
  load(options: LoadOptions, onProgress: (progress: LoadProgress) => void, engine: EngineKind = 'transformers'): Promise<LoadInfo> {
    const api = this.start(engine);
    return this.call(api.load(options, Comlink.proxy(onProgress)));
  }

  async generate(request: GenerateRequest, onToken: (token: ArrivedToken) => void, signal: AbortSignal): Promise<ClientGeneration> {
    const api = this.api;
    if (!api) throw new EngineError('not-loaded', 'No model is loaded; load one first.');
    const requestId = `r${++this.nextRequest}`;
    const arrivals: ArrivedToken[] = [];
    const cancelFlag = sharedCancelFlag();
    const abort = (): void => {
      raiseCancelFlag(cancelFlag);
      void api.abort(requestId);
    };
    signal.addEventListener('abort', abort, { once: true });
    const stream = openTokenStream((token) => {
      const arrived = { text: token.text, index: token.index, arrivedAtMs: performance.now() };
      arrivals.push(arrived);
      onToken(arrived);
    });
    const sentAtMs = performance.now();
    try {
      const result = await this.call(api.generate(requestId, request, Comlink.transfer(stream.workerPort, [stream.workerPort]), cancelFlag));
      await this.call(stream.ended);
      return { result, sentAtMs, arrivals, endedAtMs: performance.now() };
    } finally {
      signal.removeEventListener('abort', abort);
      stream.close();
    }
  }

  dispose(): void {
    this.api?.[Comlink.releaseProxy]();
    this.worker?.terminate();
    this.worker = null;
    this.api = null;
    this.crash = null;
  }
}
