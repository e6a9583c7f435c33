/**
 * An engine that computes nothing: it answers on a timetable (time to first token, a decode rate,
 * jitter), with a footprint it declares, text that depends only on its seed and the prompt, and faults
 * injected on demand. It serves the scheduler's tests and overhead benchmark, and the UI's "simulated
 * model" for trying a council without downloads.
 *
 * Deterministic under a seed: no Math.random, no wall clock except through the injected Clock.
 * Waits are timers, never busy loops, so an abort stops it at once and many of them run side by side.
 */
import type { Engine, GenerateRequest, GenerationResult, LoadInfo, LoadOptions, LoadProgress, TokenEvent } from './engine.ts';
import { EngineError } from './errors.ts';
import { formatPlainChat } from './plain-chat-format.ts';
import { realClock, type Clock, type TimerHandle } from '../lib/clock.ts';

/**
 * One injected fault. `atToken` is the 0-based index of the token that never arrives: with
 * `atToken: 3` tokens 0, 1 and 2 are emitted, then the fault strikes.
 */
export type SyntheticFault =
  /** generate() rejects with an EngineError('generation-failed'); the engine stays usable. */
  | { kind: 'throw'; atToken: number }
  /** The engine stops answering: no more tokens, no result, aborts ignored (a wedged worker). */
  | { kind: 'hang'; atToken: number }
  /** The worker dies: generate() rejects with a SimulatedCrash, which a host treats as a dead worker. */
  | { kind: 'crash'; atToken: number }
  /** The GPU device is lost: generate() rejects with an EngineError('device-lost'); the worker lives on, unusable. */
  | { kind: 'device-lost'; atToken: number }
  /** load() rejects with an EngineError('out-of-memory'), as a real allocation failure would. */
  | { kind: 'oom-at-load' }
  /** load() never answers. */
  | { kind: 'hang-at-load' }
  /** The worker dies while loading. */
  | { kind: 'crash-at-load' };

export interface SyntheticEngineConfig {
  /** Seeds the jitter and the generated words. */
  seed: number;
  /** Time from generate() to the first token (prefill). */
  ttftMs: number;
  /** Time between tokens (decode). */
  msPerToken: number;
  /** Relative jitter on every wait: 0.2 spreads each uniformly over ±20 %. */
  jitter: number;
  footprintBytes: number;
  /** Time load() takes, spread over its progress phases. */
  loadMs: number;
  /** Stop (finish reason `eos`) after this many tokens even if maxNewTokens allows more. */
  eosAfterTokens: number | null;
  /**
   * The text pieces to emit, cycled; empty: words drawn from a small vocabulary by a PRNG seeded
   * with the seed and the prompt, so the same prompt gives the same text on every run.
   */
  script: readonly string[];
  faults: readonly SyntheticFault[];
  clock: Clock;
  /**
   * In-process only: engines sharing this object slow each other down as members on one GPU or one
   * set of cores do, each decode wait stretched by 1 + (generating − 1)·α (the spec's contention).
   */
  sharedLoad: SharedLoad | null;
}

/** What engines in one process share to simulate contention: how many generate now, and α. */
export interface SharedLoad {
  alpha: number;
  generating: number;
}

export const SYNTHETIC_DEFAULTS: Readonly<Omit<SyntheticEngineConfig, 'clock' | 'sharedLoad'>> = {
  seed: 1,
  ttftMs: 50,
  msPerToken: 50,
  jitter: 0,
  footprintBytes: 100e6,
  loadMs: 0,
  eosAfterTokens: null,
  script: [],
  faults: [],
};

/** Thrown when a simulated worker dies; a transport that sees it treats its worker as gone. */
export class SimulatedCrash extends Error {
  static readonly NAME = 'SimulatedWorkerCrash';
  constructor(message: string) {
    super(message);
    this.name = SimulatedCrash.NAME;
  }
}

export function isSimulatedCrash(error: unknown): boolean {
  return error instanceof Error && error.name === SimulatedCrash.NAME;
}

/** mulberry32: a small, fast, well-spread 32-bit PRNG. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over the string's UTF-16 units, mixed with a seed. */
export function hashString(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const VOCABULARY = [
  'the', 'council', 'weighs', 'each', 'answer', 'with', 'care', 'and', 'a', 'model', 'speaks', 'in', 'turn',
  'tokens', 'flow', 'like', 'water', 'through', 'stone', 'memory', 'is', 'finite', 'so', 'we', 'queue',
  'quietly', 'frames', 'stay', 'smooth', 'while', 'words', 'arrive', 'one', 'by', 'another', 'thought',
] as const;

/** The text a synthetic engine with this seed and script emits for a prompt: piece i of the output. */
export function syntheticPieces(seed: number, prompt: string, count: number, script: readonly string[] = []): string[] {
  if (script.length > 0) return Array.from({ length: count }, (_, i) => script[i % script.length]!);
  const random = mulberry32(hashString(prompt, seed));
  return Array.from({ length: count }, () => ' ' + VOCABULARY[Math.floor(random() * VOCABULARY.length)]!);
}

/** What a test can observe from outside: whether the engine really stopped. */
export interface SyntheticEngineStats {
  loads: number;
  generations: number;
  tokensEmitted: number;
  /** Timers the engine holds right now: 0 once it has stopped. */
  activeTimers: number;
  generating: boolean;
  hung: boolean;
}

export function outOfMemoryMessage(modelId: string, bytes: number): string {
  return `Out of memory: could not allocate ${Math.round(bytes / 1e6)} MB for ${modelId}`;
}

export class SyntheticEngine implements Engine {
  readonly kind = 'synthetic' as const;
  private readonly config: SyntheticEngineConfig;
  private readonly random: () => number;
  private loadedModel: string | null = null;
  private readonly timers = new Set<TimerHandle>();
  private readonly counters = { loads: 0, generations: 0, tokensEmitted: 0 };
  private busy = false;
  private hung = false;

  constructor(config: Partial<SyntheticEngineConfig> = {}) {
    this.config = { ...SYNTHETIC_DEFAULTS, clock: realClock, sharedLoad: null, ...config };
    this.random = mulberry32(this.config.seed);
  }

  stats(): SyntheticEngineStats {
    return { ...this.counters, activeTimers: this.timers.size, generating: this.busy, hung: this.hung };
  }

  footprintBytes(): number {
    return this.loadedModel === null ? 0 : this.config.footprintBytes;
  }

  async load(options: LoadOptions, onProgress: (progress: LoadProgress) => void): Promise<LoadInfo> {
    if (this.hung) return never();
    const { clock, footprintBytes: total, loadMs } = this.config;
    const started = clock.now();
    this.counters.loads++;
    this.loadedModel = null;
    onProgress({ phase: 'fetch', loadedBytes: 0, totalBytes: total });
    await this.wait(loadMs * 0.6);
    onProgress({ phase: 'fetch', loadedBytes: total, totalBytes: total });
    onProgress({ phase: 'init', loadedBytes: total, totalBytes: total });
    if (this.hasFault('oom-at-load')) {
      throw new EngineError('out-of-memory', outOfMemoryMessage(options.modelId, total));
    }
    if (this.hasFault('crash-at-load')) throw new SimulatedCrash(`The worker running ${options.modelId} crashed while loading it.`);
    if (this.hasFault('hang-at-load')) {
      this.hung = true;
      return never();
    }
    await this.wait(loadMs * 0.3);
    onProgress({ phase: 'warmup', loadedBytes: total, totalBytes: total });
    const warmupStart = clock.now();
    await this.wait(loadMs * 0.1);
    this.loadedModel = options.modelId;
    onProgress({ phase: 'ready', loadedBytes: total, totalBytes: total });
    return {
      modelId: options.modelId,
      engine: this.kind,
      device: 'wasm',
      deviceReason: 'Simulated model: nothing runs on any device; it answers on a timetable.',
      wasmThreads: 0,
      footprintBytes: total,
      loadMs: clock.now() - started,
      warmupMs: clock.now() - warmupStart,
    };
  }

  generate(request: GenerateRequest, onToken: (token: TokenEvent) => void, signal: AbortSignal): Promise<GenerationResult> {
    if (this.hung) return never();
    if (this.loadedModel === null) return Promise.reject(new EngineError('not-loaded', 'No model is loaded; load one first.'));
    if (this.busy) return Promise.reject(new EngineError('busy', 'This engine is already generating; wait for it or stop it first.'));
    this.busy = true;
    this.counters.generations++;
    const shared = this.config.sharedLoad;
    if (shared) shared.generating++;
    const { clock, seed, script, eosAfterTokens } = this.config;
    const modelId = this.loadedModel;
    const limit = Math.max(0, Math.min(request.maxNewTokens, eosAfterTokens ?? Number.POSITIVE_INFINITY));
    // A simulated model has no template: a conversation is read in the documented plain format.
    const prompt = request.messages ? formatPlainChat(request.messages) : request.prompt;
    const pieces = syntheticPieces(seed, prompt, limit, script);
    const fault = this.generationFault(limit);
    const startedAtMs = clock.now();
    const promptTokens = Math.max(1, Math.ceil(prompt.length / 4));
    const tokenTimesMs: number[] = [];
    let text = '';

    return new Promise<GenerationResult>((resolve, reject) => {
      let timer: TimerHandle | null = null;
      let settled = false;
      const finish = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        if (timer !== null) this.clear(timer);
        signal.removeEventListener('abort', onAbort);
        this.busy = false;
        if (shared) shared.generating--;
        outcome();
      };
      const result = (finishReason: GenerationResult['finishReason']): GenerationResult => ({
        text,
        promptTokens,
        outputTokens: tokenTimesMs.length,
        finishReason,
        startedAtMs,
        promptReadyAtMs: startedAtMs,
        tokenTimesMs: [...tokenTimesMs],
      });
      const onAbort = (): void => {
        // A hung engine answers nothing, aborts included: that is what the watchdog is for.
        if (this.hung) return;
        finish(() => resolve(result('aborted')));
      };
      const step = (index: number): void => {
        timer = null;
        if (settled) return;
        if (fault && index === fault.atToken) {
          if (fault.kind === 'hang') {
            this.hung = true;
            return;
          }
          finish(() =>
            reject(
              fault.kind === 'crash'
                ? new SimulatedCrash(`The worker running ${modelId} crashed at token ${index}.`)
                : fault.kind === 'device-lost'
                  ? new EngineError('device-lost', `The GPU device was lost while generating ${modelId} at token ${index} (injected fault).`)
                  : new EngineError('generation-failed', `Generation failed: ${modelId} threw at token ${index} (injected fault).`),
            ),
          );
          return;
        }
        if (index >= limit) {
          finish(() => resolve(result(limit < request.maxNewTokens ? 'eos' : 'length')));
          return;
        }
        const piece = pieces[index]!;
        const atMs = clock.now();
        tokenTimesMs.push(atMs);
        text += piece;
        this.counters.tokensEmitted++;
        try {
          onToken({ text: piece, index, atMs });
        } catch (error) {
          finish(() => reject(error));
          return;
        }
        if (settled) return; // the callback aborted us
        // The last token ends the generation at once, unless a fault waits right after it.
        if (index + 1 >= limit && !(fault && fault.atToken === limit)) {
          finish(() => resolve(result(limit < request.maxNewTokens ? 'eos' : 'length')));
          return;
        }
        const contention = shared ? 1 + Math.max(0, shared.generating - 1) * shared.alpha : 1;
        timer = this.schedule(() => step(index + 1), this.jittered(this.config.msPerToken) * contention);
      };

      if (signal.aborted) {
        finish(() => resolve(result('aborted')));
        return;
      }
      signal.addEventListener('abort', onAbort);
      timer = this.schedule(() => step(0), this.jittered(this.config.ttftMs));
    });
  }

  async unload(): Promise<void> {
    if (this.hung) return never();
    this.loadedModel = null;
  }

  private hasFault(kind: SyntheticFault['kind']): boolean {
    return this.config.faults.some((f) => f.kind === kind);
  }

  /** The first generation fault that strikes within this request's tokens (0..limit inclusive). */
  private generationFault(limit: number): Extract<SyntheticFault, { atToken: number }> | null {
    let first: Extract<SyntheticFault, { atToken: number }> | null = null;
    for (const fault of this.config.faults) {
      if (!('atToken' in fault) || fault.atToken > limit) continue;
      if (!first || fault.atToken < first.atToken) first = fault;
    }
    return first;
  }

  private jittered(ms: number): number {
    const { jitter } = this.config;
    if (jitter <= 0 || ms <= 0) return ms;
    return Math.max(0, ms * (1 + jitter * (2 * this.random() - 1)));
  }

  private schedule(callback: () => void, ms: number): TimerHandle {
    const handle = this.config.clock.setTimeout(() => {
      this.timers.delete(handle);
      callback();
    }, ms);
    this.timers.add(handle);
    return handle;
  }

  private clear(handle: TimerHandle): void {
    this.config.clock.clearTimeout(handle);
    this.timers.delete(handle);
  }

  private wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => this.schedule(resolve, ms));
  }
}

/** A wedged worker's answer. */
function never<T>(): Promise<T> {
  return new Promise<T>(() => {});
}
