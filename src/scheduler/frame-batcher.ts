/**
 * Backpressure towards the page: token events are coalesced into at most one batch per animation
 * frame, however fast the engines run. Consecutive pieces of one job are merged into one chunk; text is
 * never dropped, only visual updates are merged. With a per-frame budget the pieces are taken round
 * robin across jobs, so a fast member cannot crowd the others out of a frame; what does not fit goes
 * out with the next frame. A job's end is delivered after all of its text.
 */
import { RoundRobin } from './fairness.ts';
import type { JobOutcome, TokenBatch, TokenChunk, TokenOut } from './protocol.ts';

/** Asks for a callback at the next frame; returns a function that cancels the request. */
export interface FrameScheduler {
  request(callback: (frameTimeMs: number) => void): () => void;
}

/** requestAnimationFrame where there is one (a window, a dedicated worker in Chromium and Firefox), else ~60 Hz timers. */
export const animationFrames: FrameScheduler = {
  request(callback) {
    const raf = (globalThis as { requestAnimationFrame?: (cb: (t: number) => void) => number }).requestAnimationFrame;
    const caf = (globalThis as { cancelAnimationFrame?: (h: number) => void }).cancelAnimationFrame;
    if (raf && caf) {
      const handle = raf(callback);
      return () => caf(handle);
    }
    const handle = globalThis.setTimeout(() => callback(performance.now()), 16);
    return () => globalThis.clearTimeout(handle);
  },
};

/**
 * Frames driven by hand: by a test, or by the page acknowledging each batch it drew (the scheduler
 * worker's `frame()` call), which guarantees one batch per frame the page really drew.
 */
export class ManualFrames implements FrameScheduler {
  private waiting: ((frameTimeMs: number) => void)[] = [];

  request(callback: (frameTimeMs: number) => void): () => void {
    this.waiting.push(callback);
    return () => {
      this.waiting = this.waiting.filter((c) => c !== callback);
    };
  }

  get requested(): boolean {
    return this.waiting.length > 0;
  }

  /** Runs the callbacks registered for this frame (those registered meanwhile wait for the next). */
  tick(frameTimeMs = 0): void {
    const due = this.waiting;
    this.waiting = [];
    for (const callback of due) callback(frameTimeMs);
  }
}

type Item = { kind: 'piece'; token: TokenOut } | { kind: 'end'; outcome: JobOutcome };

export interface FrameBatcherOptions {
  /** Pieces per batch at most (ends are free); default: no limit. */
  maxPiecesPerBatch?: number;
}

export class FrameBatcher {
  private readonly pending = new RoundRobin<string, Item>();
  private cancelFrame: (() => void) | null = null;
  private seq = 0;
  private readonly maxPieces: number;

  constructor(
    private readonly deliver: (batch: TokenBatch) => void,
    private readonly frames: FrameScheduler = animationFrames,
    options: FrameBatcherOptions = {},
  ) {
    this.maxPieces = options.maxPiecesPerBatch ?? Number.POSITIVE_INFINITY;
  }

  /** Items not yet delivered. */
  get pendingItems(): number {
    return this.pending.size;
  }

  pushToken(token: TokenOut): void {
    this.pending.push(token.jobId, { kind: 'piece', token });
    this.schedule();
  }

  pushEnd(outcome: JobOutcome): void {
    this.pending.push(outcome.jobId, { kind: 'end', outcome });
    this.schedule();
  }

  /** Delivers one batch now (within the budget); schedules another frame if anything is left. */
  flush(): void {
    this.cancelFrame?.();
    this.cancelFrame = null;
    if (this.pending.size === 0) return;
    const chunks = new Map<string, TokenChunk>();
    const ends: JobOutcome[] = [];
    let pieces = 0;
    while (this.pending.size > 0) {
      const next = this.pending.shift()!;
      const [jobId, item] = next;
      if (item.kind === 'end') {
        ends.push(item.outcome);
        continue;
      }
      const { token } = item;
      const chunk = chunks.get(jobId);
      if (chunk) {
        chunk.text += token.text;
        chunk.lastIndex = token.index;
        chunk.pieces++;
      } else {
        chunks.set(jobId, {
          turnId: token.turnId,
          jobId,
          memberId: token.memberId,
          text: token.text,
          firstIndex: token.index,
          lastIndex: token.index,
          pieces: 1,
        });
      }
      if (++pieces >= this.maxPieces) break;
    }
    // An end right behind the last piece taken costs nothing: deliver it with its text.
    this.drainFreeEnds(chunks, ends);
    this.deliver({ seq: this.seq++, chunks: [...chunks.values()], ends });
    if (this.pending.size > 0) this.schedule();
  }

  /** Delivers everything, in as many batches as the budget needs (shutdown, tests). */
  flushAll(): void {
    while (this.pending.size > 0) this.flush();
    this.cancelFrame?.();
    this.cancelFrame = null;
  }

  dispose(): void {
    this.cancelFrame?.();
    this.cancelFrame = null;
  }

  private drainFreeEnds(chunks: Map<string, TokenChunk>, ends: JobOutcome[]): void {
    for (const jobId of chunks.keys()) {
      const head = this.pending.peek(jobId);
      if (head?.kind === 'end') {
        this.pending.shiftFrom(jobId);
        ends.push(head.outcome);
      }
    }
  }

  private schedule(): void {
    if (this.cancelFrame) return;
    this.cancelFrame = this.frames.request(() => {
      this.cancelFrame = null;
      this.flush();
    });
  }
}
