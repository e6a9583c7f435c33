/**
 * The page's end of the scheduler worker's backpressure: token batches that arrive are kept until the
 * next frame of the page's frame loop, applied there (in arrival order), and only then acknowledged,
 * which lets the worker send the next one. So the page applies at most what one frame can show, and a
 * page that falls behind gets fewer, larger batches instead of a queue of stale ones.
 *
 * It also keeps the figures of that path (`DeliveryStats`): batches per frame, the time applying one
 * batch took, and per job when its text was first and last applied — what the benchmark reports as the
 * worker path's own cost.
 */
import { summarize, type Summary } from '../metrics/stats.ts';
import type { TokenBatch } from './protocol.ts';

export interface DeliveryFigures {
  /** Frames that applied at least one batch. */
  frames: number;
  batches: number;
  /** Batches applied in one frame: mean and the most seen. */
  batchesPerFrame: { mean: number; max: number };
  /** Time to apply one batch (the page's own work: signals, text, feed), ms; NaN figures while empty. */
  applyMsPerBatch: Summary;
  /** Text pieces (tokens) per batch: mean and the most seen. */
  piecesPerBatch: { mean: number; max: number };
  /** Per job: when its text was first and last applied (page clock, ms) and how many pieces. */
  jobs: Record<string, { firstAppliedAtMs: number; lastAppliedAtMs: number; pieces: number }>;
}

/** Delivery figures since the last reset. Plain data in, plain data out. */
export class DeliveryStats {
  private batchesInFrame: number[] = [];
  private applyMs: number[] = [];
  private pieces: number[] = [];
  private jobs: DeliveryFigures['jobs'] = {};

  batch(batch: TokenBatch, appliedAtMs: number, applyMs: number): void {
    this.applyMs.push(applyMs);
    let pieces = 0;
    for (const chunk of batch.chunks) {
      pieces += chunk.pieces;
      const job = this.jobs[chunk.jobId];
      if (job) {
        job.lastAppliedAtMs = appliedAtMs;
        job.pieces += chunk.pieces;
      } else this.jobs[chunk.jobId] = { firstAppliedAtMs: appliedAtMs, lastAppliedAtMs: appliedAtMs, pieces: chunk.pieces };
    }
    this.pieces.push(pieces);
  }

  frame(batches: number): void {
    if (batches > 0) this.batchesInFrame.push(batches);
  }

  reset(): void {
    this.batchesInFrame = [];
    this.applyMs = [];
    this.pieces = [];
    this.jobs = {};
  }

  figures(): DeliveryFigures {
    const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
    const max = (xs: readonly number[]) => (xs.length === 0 ? 0 : Math.max(...xs));
    return {
      frames: this.batchesInFrame.length,
      batches: this.applyMs.length,
      batchesPerFrame: { mean: mean(this.batchesInFrame), max: max(this.batchesInFrame) },
      applyMsPerBatch: summarize(this.applyMs),
      piecesPerBatch: { mean: mean(this.pieces), max: max(this.pieces) },
      jobs: structuredClone(this.jobs),
    };
  }
}

export interface BatchPacerOptions {
  /** Applies one batch to the page's state. */
  apply(batch: TokenBatch): void;
  /** Tells the worker the frame was drawn, after the batches were applied. */
  ack(frameTimeMs: number): void;
  /** The page's clock, for the apply time. */
  now?: () => number;
}

export class BatchPacer {
  private pending: TokenBatch[] = [];
  readonly stats = new DeliveryStats();
  private readonly now: () => number;

  constructor(private readonly options: BatchPacerOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /** A batch arrived from the worker: it waits for the next frame. */
  receive(batch: TokenBatch): void {
    this.pending.push(batch);
  }

  /**
   * One frame of the page's loop. Normally one batch waits (the worker waits for our acknowledgement);
   * if more do, they are applied in order. Nothing waiting: no acknowledgement (none is owed).
   */
  frame(frameTimeMs: number): void {
    if (this.pending.length === 0) return;
    const batches = this.pending;
    this.pending = [];
    for (const batch of batches) {
      const began = this.now();
      this.options.apply(batch);
      const ended = this.now();
      this.stats.batch(batch, ended, ended - began);
    }
    this.stats.frame(batches.length);
    this.options.ack(frameTimeMs);
  }

  clear(): void {
    this.pending = [];
  }
}
