/**
 * A `MemberTransport` over one engine worker (one per council member), spoken through comlink with the
 * engine-worker protocol (`src/workers/protocol.ts`): tokens on a MessagePort of their own ending with
 * an `end` marker, cancellation through a shared one-slot flag (where the scope is cross-origin
 * isolated) plus an `abort` call.
 *
 * A worker's death never leaves a promise pending: comlink would wait forever for an answer from a
 * dead worker, so every call is raced against the worker's end. The worker's `error` and
 * `messageerror` events mean it crashed (`crashed`, exit listeners told); `terminate()` ends it on
 * purpose (`terminated`, listeners not told). Either way every pending call rejects at once.
 */
import * as Comlink from 'comlink';
import type { GenerateRequest, GenerationResult, LoadInfo, LoadOptions, LoadProgress, TokenEvent } from './engine.ts';
import type { EngineWorkerApi } from './protocol.ts';
import { openTokenStream, raiseCancelFlag, sharedCancelFlag } from './engine-stream.ts';
import { toEngineError } from './errors.ts';
import type { MemberTransport } from './transport.ts';
import { Lifeline, type TransportErrorCode } from './lifeline.ts';
import { LivenessWatch } from './liveness-watch.ts';
import { LIVENESS_RULES } from './liveness.ts';

/** The part of a `Worker` the transport uses (so that tests can hand it a fake). */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
  terminate(): void;
}

/**
 * Watching for a silent death (liveness.ts): for a worker nothing else watches (the page's own engine;
 * the scheduler's members have its watchdog). `abortGraceMs`: how long a generation may take to stop
 * after its signal aborts before the worker is taken for hung and ended, so that Stop always ends the run.
 */
export interface WatchOptions {
  /** How messages name the worker: "the engine worker for wf-tiny". */
  name: string;
  abortGraceMs?: number;
}

export class WorkerTransport implements MemberTransport {
  private readonly api: Comlink.Remote<EngineWorkerApi>;
  private readonly life = new Lifeline();
  private readonly aborts = new Set<() => void>();
  private nextRequest = 0;
  private readonly watch: LivenessWatch | null;
  private readonly abortGraceMs: number;
  private readonly watchName: string | null;

  constructor(
    private readonly worker: WorkerLike,
    /** Names the worker in crash messages ("the engine worker of B"). */
    private readonly name = 'engine worker',
    watch: WatchOptions | null = null,
  ) {
    this.api = Comlink.wrap<EngineWorkerApi>(worker as unknown as Worker);
    worker.addEventListener('error', this.onError);
    worker.addEventListener('messageerror', this.onMessageError);
    this.abortGraceMs = watch?.abortGraceMs ?? 5000;
    this.watchName = watch?.name ?? null;
    // An engine worker may still be busy for a moment after a run ends (freeing tensors, GPU buffers): 3 s, not 1 s, for a ping.
    this.watch = watch
      ? new LivenessWatch({
          name: watch.name,
          ping: () => this.api.ping(),
          holdLifeline: (lockName) => this.api.holdLifeline(lockName),
          onDead: (reason) => this.die('crashed', reason),
          rules: { ...LIVENESS_RULES, pingDeadlineMs: 3000 },
        })
      : null;
    this.watch?.start();
  }

  get alive(): boolean {
    return this.life.alive;
  }

  load(options: LoadOptions, onProgress: (progress: LoadProgress) => void): Promise<LoadInfo> {
    this.watch?.loading(options.modelId);
    const report = (p: LoadProgress): void => {
      if (!this.alive) return;
      this.watch?.loadProgress(p);
      onProgress(p);
    };
    return this.call(() => this.api.load(options, Comlink.proxy(report))).finally(() => this.watch?.idle());
  }

  generate(request: GenerateRequest, onToken: (token: TokenEvent) => void, signal: AbortSignal): Promise<GenerationResult> {
    const death = this.life.deathError;
    if (death) return Promise.reject(death);
    const requestId = `g${++this.nextRequest}`;
    const cancelFlag = sharedCancelFlag();
    let graceTimer: ReturnType<typeof setTimeout> | null = null;
    const abort = (): void => {
      raiseCancelFlag(cancelFlag);
      if (this.alive) void this.api.abort(requestId).catch(() => undefined);
      if (this.watch && graceTimer === null) {
        this.watch.stopRequested();
        const who = this.watchName ?? this.name;
        // A slow engine checks for Stop only between tokens: it gets ten of its own gaps at least.
        const graceMs = Math.max(this.abortGraceMs, 10 * (this.watch.expectedGapMs ?? 0));
        graceTimer = setTimeout(() => this.die('crashed', `${who} did not stop within ${(graceMs / 1000).toFixed(1)} s of Stop and was ended; the text so far is kept`), graceMs);
      }
    };
    this.watch?.generating();
    const stream = openTokenStream((token) => {
      if (!this.alive) return;
      this.watch?.token();
      onToken(token);
    });
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
    this.aborts.add(abort);
    return this.call(async () => {
      const result = await this.api.generate(requestId, request, Comlink.transfer(stream.workerPort, [stream.workerPort]), cancelFlag);
      await stream.ended;
      return result;
    }).finally(() => {
      if (graceTimer !== null) clearTimeout(graceTimer);
      this.watch?.idle();
      signal.removeEventListener('abort', abort);
      this.aborts.delete(abort);
      stream.close();
    });
  }

  unload(): Promise<void> {
    return this.call(() => this.api.unload());
  }

  terminate(reason: string): void {
    this.die('terminated', reason);
  }

  /**
   * Ends the worker as the browser would when it kills one (out of memory, a crashed GPU process):
   * for the app's clearly named debug hook and tests; the scheduler sees a crash.
   */
  crash(reason = 'the worker was killed'): void {
    this.die('crashed', reason);
  }

  onExit(listener: (reason: string) => void): void {
    this.life.onExit(listener);
  }

  private readonly onError = (event: Event): void => {
    const message = (event as ErrorEvent).message;
    event.preventDefault?.();
    this.die('crashed', `the ${this.name} failed: ${message || 'no details given'}`);
  };

  private readonly onMessageError = (): void => {
    this.die('crashed', `the ${this.name} sent a message that could not be read`);
  };

  /** Keeps the engine's code and sentence (comlink carries only name and message). */
  private call<T>(run: () => Promise<T>): Promise<T> {
    return this.life.call(run, toEngineError);
  }

  private die(code: TransportErrorCode, reason: string): void {
    if (!this.life.alive) return;
    this.watch?.stop();
    this.worker.removeEventListener('error', this.onError);
    this.worker.removeEventListener('messageerror', this.onMessageError);
    try {
      this.api[Comlink.releaseProxy]();
    } catch {
      // releasing posts a message; a dead worker may refuse it
    }
    this.worker.terminate();
    this.aborts.clear();
    this.life.die(code, reason);
  }
}
