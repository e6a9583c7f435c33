/**
 * How anything reaches one engine. The same code drives an engine in this very thread (tests, the
 * overhead benchmark: `InProcessTransport`) or one worker per model over comlink (`WorkerTransport`,
 * used by the scheduler for its members and by the page's `EngineClient`), because it only ever sees
 * this interface. Both share one life (`Lifeline`): one crash race, one way of failing pending calls.
 *
 * A transport stands for one worker's life: once it has died or been terminated it stays dead, and a
 * restart is a new transport.
 */
import type { Engine, GenerateRequest, GenerationResult, LoadInfo, LoadOptions, LoadProgress, TokenEvent } from './engine.ts';
import { isSimulatedCrash } from './synthetic-engine.ts';
import { Lifeline, TransportError, type TransportErrorCode } from './lifeline.ts';

export interface MemberTransport {
  load(options: LoadOptions, onProgress: (progress: LoadProgress) => void): Promise<LoadInfo>;
  generate(request: GenerateRequest, onToken: (token: TokenEvent) => void, signal: AbortSignal): Promise<GenerationResult>;
  unload(): Promise<void>;
  /** Kills the worker outright (frees all of its memory); every pending call rejects with `terminated`. */
  terminate(reason: string): void;
  /** Called once if the worker dies on its own (a crash, the browser killing it). */
  onExit(listener: (reason: string) => void): void;
  readonly alive: boolean;
}

export { isTransportError, TransportError, type TransportErrorCode } from './lifeline.ts';

/**
 * An engine in this thread, behaving as a worker would: a `SimulatedCrash` thrown by the engine kills
 * the "worker" (every pending call rejects, exit listeners hear of it), `terminate` abandons whatever
 * the engine was doing (a hung call included) and `crash` simulates the browser killing the worker.
 */
export class InProcessTransport implements MemberTransport {
  private readonly life = new Lifeline();
  private readonly controllers = new Set<AbortController>();
  private engineRef: Engine | null;

  constructor(engine: Engine) {
    this.engineRef = engine;
  }

  get alive(): boolean {
    return this.life.alive;
  }

  /** The engine behind it, while the "worker" lives (tests look at it). */
  get engine(): Engine | null {
    return this.engineRef;
  }

  load(options: LoadOptions, onProgress: (progress: LoadProgress) => void): Promise<LoadInfo> {
    return this.call((engine) => engine.load(options, (p) => this.alive && onProgress(p)));
  }

  generate(request: GenerateRequest, onToken: (token: TokenEvent) => void, signal: AbortSignal): Promise<GenerationResult> {
    // The engine gets a signal of its own, so that terminate() stops it even when the caller never aborts.
    const controller = new AbortController();
    const forward = (): void => controller.abort();
    if (signal.aborted) controller.abort();
    else signal.addEventListener('abort', forward, { once: true });
    this.controllers.add(controller);
    return this.call((engine) =>
      engine.generate(
        request,
        (token) => {
          if (this.alive) onToken(token);
        },
        controller.signal,
      ),
    ).finally(() => {
      signal.removeEventListener('abort', forward);
      this.controllers.delete(controller);
    });
  }

  unload(): Promise<void> {
    return this.call((engine) => engine.unload());
  }

  terminate(reason: string): void {
    this.die('terminated', reason);
  }

  /** Simulates the worker dying on its own (out of memory in the browser, a killed process). */
  crash(reason = 'The worker was killed.'): void {
    this.die('crashed', reason);
  }

  onExit(listener: (reason: string) => void): void {
    this.life.onExit(listener);
  }

  private call<T>(run: (engine: Engine) => Promise<T>): Promise<T> {
    const engine = this.engineRef;
    if (!engine) return Promise.reject(this.life.deathError ?? new TransportError('terminated', 'The worker is gone.'));
    // A SimulatedCrash thrown by the engine kills the "worker", as an uncaught error kills a real one.
    return this.life.call(
      () => run(engine),
      (error) => {
        if (!isSimulatedCrash(error)) return error;
        const message = error instanceof Error ? error.message : String(error);
        this.die('crashed', message);
        return new TransportError('crashed', message);
      },
    );
  }

  private die(code: TransportErrorCode, reason: string): void {
    for (const controller of this.controllers) controller.abort();
    this.controllers.clear();
    if (this.life.die(code, reason)) this.engineRef = null;
  }
}
