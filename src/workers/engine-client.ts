/**
 * The page's handle on its one engine worker (the single-model area), over the same connection the
 * scheduler uses for its members (`WorkerTransport`): one crash race, one cancel path, one token
 * stream. What it adds is the page's side of a run: every token stamped with the page's clock on
 * arrival, when the request was sent and when it ended, and errors in the words the page shows.
 * A crashed worker fails every pending call with a clear error, and the next load starts a fresh one.
 */
import type { EngineKind, GenerateRequest, GenerationResult, LoadInfo, LoadOptions, LoadProgress } from './engine.ts';
import { EngineError, toEngineError } from './errors.ts';
import { startEngineWorker } from './engine-workers.ts';
import { isTransportError } from './lifeline.ts';
import { WorkerTransport } from './worker-transport.ts';

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

/** The sentence for a worker that died under a call: what died, what was lost, and what happens next. */
export function crashSentence(reason: string): string {
  const failed = /^the engine worker failed: (.*)$/.exec(reason);
  const what = failed ? `The engine worker crashed: ${failed[1]}` : reason.charAt(0).toUpperCase() + reason.slice(1);
  return `${what.replace(/\.$/, '')}. Generate loads the model again in a fresh worker.`;
}

export class EngineClient {
  private transport: WorkerTransport | null = null;
  private readonly crashListeners: ((error: EngineError) => void)[] = [];

  /** Told once per worker that dies on its own (not one ended by `dispose` or a new load). */
  onCrash(listener: (error: EngineError) => void): void {
    this.crashListeners.push(listener);
  }

  /** Starts a fresh worker for `engine` (the previous one ends) and loads the model in it. */
  load(options: LoadOptions, onProgress: (progress: LoadProgress) => void, engine: EngineKind = 'transformers'): Promise<LoadInfo> {
    this.dispose();
    // A remote engine's worker waits on the network: a silent server is its own endpoint timeout's to report, in its words.
    const watch = engine === 'remote' ? null : { name: `the engine worker for ${options.modelId}` };
    const transport = new WorkerTransport(startEngineWorker(engine, 'engine'), 'engine worker', watch);
    transport.onExit((reason) => {
      if (this.transport === transport) this.transport = null;
      const error = new EngineError('crashed', crashSentence(reason));
      for (const listener of this.crashListeners) listener(error);
    });
    this.transport = transport;
    return this.call(transport.load(options, onProgress));
  }

  async generate(request: GenerateRequest, onToken: (token: ArrivedToken) => void, signal: AbortSignal): Promise<ClientGeneration> {
    const transport = this.transport;
    if (!transport) throw new EngineError('not-loaded', 'No model is loaded; load one first.');
    const arrivals: ArrivedToken[] = [];
    const sentAtMs = performance.now();
    const result = await this.call(
      transport.generate(
        request,
        (token) => {
          const arrived = { text: token.text, index: token.index, arrivedAtMs: performance.now() };
          arrivals.push(arrived);
          onToken(arrived);
        },
        signal,
      ),
    );
    return { result, sentAtMs, arrivals, endedAtMs: performance.now() };
  }

  dispose(): void {
    this.transport?.terminate('the page ended the engine worker');
    this.transport = null;
  }

  private async call<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (isTransportError(error, 'crashed')) throw new EngineError('crashed', crashSentence(error.message));
      if (isTransportError(error, 'terminated')) throw new EngineError('not-loaded', 'The model was unloaded before it answered; load it again.');
      throw toEngineError(error);
    }
  }
}
