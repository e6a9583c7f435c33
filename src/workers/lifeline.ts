/**
 * One engine connection's life, shared by every way of reaching an engine (a worker over comlink, or an
 * engine in this very thread): while it lives, calls pass through; the moment it dies, every pending
 * call rejects at once with a `TransportError` saying why, and no later answer is delivered. comlink
 * would wait forever for an answer from a dead worker, so each call is raced against the death.
 *
 * `crashed` means the engine died on its own (exit listeners are told, so the scheduler can restart
 * it and the page can say so); `terminated` means it was ended on purpose (no one is told).
 */

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

export class Lifeline {
  private death: TransportError | null = null;
  private readonly pending = new Set<(error: TransportError) => void>();
  private readonly exitListeners: ((reason: string) => void)[] = [];

  get alive(): boolean {
    return this.death === null;
  }

  /** Why it died (null while alive). */
  get deathError(): TransportError | null {
    return this.death;
  }

  onExit(listener: (reason: string) => void): void {
    this.exitListeners.push(listener);
  }

  /**
   * Runs `run` unless dead, and settles with it unless death comes first. `mapError` turns the call's
   * own failure into what the caller sees (it may itself end the life, e.g. a simulated crash).
   */
  call<T>(run: () => Promise<T>, mapError: (error: unknown) => unknown = (error) => error): Promise<T> {
    if (this.death) return Promise.reject(this.death);
    return new Promise<T>((resolve, reject) => {
      const onDeath = (error: TransportError): void => reject(error);
      this.pending.add(onDeath);
      let started: Promise<T>;
      try {
        started = run();
      } catch (error) {
        started = Promise.reject(error);
      }
      started.then(
        (value) => {
          this.pending.delete(onDeath);
          if (!this.death) resolve(value);
        },
        (error: unknown) => {
          this.pending.delete(onDeath);
          if (!this.death) reject(mapError(error));
        },
      );
    });
  }

  /** Ends the life once: pending calls reject, and for a crash the exit listeners hear the reason. False when it was already dead. */
  die(code: TransportErrorCode, reason: string): boolean {
    if (this.death) return false;
    const error = new TransportError(code, reason);
    this.death = error;
    for (const reject of [...this.pending]) reject(error);
    this.pending.clear();
    if (code === 'crashed') for (const listener of this.exitListeners) listener(reason);
    return true;
  }
}
