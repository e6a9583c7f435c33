/**
 * How the scheduler reaches one member's engine. The same scheduler code drives an engine in this
 * very thread (tests, the overhead benchmark: `InProcessTransport`) or one worker per model over
 * comlink (the app, later), because it only ever sees this interface.
 *
 * A transport stands for one worker's life: once it has died or been terminated it stays dead, and a
 * restart is a new transport.
 */
import type { Engine, GenerateRequest, GenerationResult, LoadInfo, LoadOptions, LoadProgress, TokenEvent } from './engine.ts';
import { isSimulatedCrash } from './synthetic-engine.ts';

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

export type TransportErrorCode = 'crashed' | 'terminated';

export class TransportError extends Error {
  constructor(
    readonly code: TransportErrorCode,
    message: string,
  ) {
    super(message);
    this.name = `TransportError:${code}`;
  }
}

export function isTransportError(error: unknown, code?: TransportErrorCode): error is TransportError {
  return error instanceof TransportError && (code === undefined || error.code === code);
}

/**
 * An engine in this thread, behaving as a worker would: a `SimulatedCrash` thrown by the engine kills
 * the "worker" (every pending call rejects, exit listeners hear of it), `terminate` abandons whatever
 * the engine was doing (a hung call included) and `crash` simulates the browser killing the worker.
 */
export class InProcessTransport implements MemberTransport {
  private dead: { code: TransportErrorCode; reason: string } | null = null;
  private readonly pending = new Set<(error: TransportError) => void>();
  private readonly controllers = new Set<AbortController>();
  private readonly exitListeners: ((reason: string) => void)[] = [];
  private engineRef: Engine | null;

  constructor(engine: Engine) {
    this.engineRef = engine;
  }

  get alive(): boolean {
    return this.dead === null;
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
    this.die('terminated', reason, false);
  }

  /** Simulates the worker dying on its own (out of memory in the browser, a killed process). */
  crash(reason = 'The worker was killed.'): void {
    this.die('crashed', reason, true);
  }

  onExit(listener: (reason: string) => void): void {
    this.exitListeners.push(listener);
  }

  private call<T>(run: (engine: Engine) => Promise<T>): Promise<T> {
    const engine = this.engineRef;
    if (this.dead || !engine) return Promise.reject(new TransportError(this.dead?.code ?? 'terminated', this.dead?.reason ?? 'The worker is gone.'));
    return new Promise<T>((resolve, reject) => {
      const onDeath = (error: TransportError): void => reject(error);
      this.pending.add(onDeath);
      const settle = (): void => {
        this.pending.delete(onDeath);
      };
      let started: Promise<T>;
      try {
        started = run(engine);
      } catch (error) {
        started = Promise.reject(error);
      }
      started.then(
        (value) => {
          settle();
          if (!this.dead) resolve(value);
        },
        (error: unknown) => {
          settle();
          if (this.dead) return;
          if (isSimulatedCrash(error)) {
            const message = error instanceof Error ? error.message : String(error);
            reject(new TransportError('crashed', message));
            this.die('crashed', message, true);
            return;
          }
          reject(error);
        },
      );
    });
  }

  private die(code: TransportErrorCode, reason: string, notify: boolean): void {
    if (this.dead) return;
    this.dead = { code, reason };
    for (const controller of this.controllers) controller.abort();
    this.controllers.clear();
    const error = new TransportError(code, reason);
    for (const reject of [...this.pending]) reject(error);
    this.pending.clear();
    this.engineRef = null;
    if (notify) for (const listener of this.exitListeners) listener(reason);
  }
}

