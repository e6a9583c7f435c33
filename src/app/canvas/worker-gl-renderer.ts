/**
 * The page's side of the canvas worker: a `ParticleRenderer` that hands the canvas to the worker
 * (`transferControlToOffscreen`) and sends it, per drawn frame, only the particles born since the
 * last one. The page's frame then costs a copy of a few hundred bytes and one message; the GL work
 * and, on software-composited browsers, the read-back of every frame happen on the worker's thread.
 */
import type { CanvasWorkerEvent, CanvasWorkerRequest, SlotUpdate } from './canvas-protocol.ts';
import { COLOR_STRIDE, LIFE_STRIDE, MOTION_STRIDE, type ParticlePool } from './particle-pool.ts';
import type { ParticleRenderer } from './renderer.ts';

/** Whether this browser can draw a page canvas from a worker. */
export function canDrawInWorker(canvas: HTMLCanvasElement): boolean {
  return typeof OffscreenCanvas !== 'undefined' && typeof canvas.transferControlToOffscreen === 'function' && typeof Worker !== 'undefined';
}

/**
 * A canvas worker that closed or was killed says nothing: the page sees only that its "drawn" reports
 * (one per 60 worker frames) stop while it goes on sending frames. 10 s and 600 sent frames leave room
 * for a worker drawing at 6 FPS on a loaded machine; then the page draws on its own thread instead.
 * Returns the sentence to fail with, or null while the worker is taken to be alive.
 */
export function canvasWorkerSilence(sinceReportMs: number, framesSentSinceReport: number): string | null {
  if (sinceReportMs < 10_000 || framesSentSinceReport < 600) return null;
  return `the canvas worker stopped drawing: no frame reported for ${(sinceReportMs / 1000).toFixed(1)} s while the page sent ${framesSentSinceReport}`;
}

export class WorkerGlRenderer implements ParticleRenderer {
  readonly kind = 'webgl' as const;
  private readonly worker: Worker;
  private pool: ParticlePool | null = null;
  private lastReportAt = performance.now();
  private framesSinceReport = 0;
  private failed = false;

  /**
   * `onFailure`: WebGL did not start in the worker, or a draw failed there. `onDrawn`: the frames the
   * worker has drawn, reported now and then (not every frame).
   */
  constructor(
    canvas: HTMLCanvasElement,
    private readonly onFailure: (reason: string) => void,
    onDrawn: (frames: number) => void,
  ) {
    this.worker = new Worker(new URL('./canvas.worker.ts', import.meta.url), { type: 'module', name: 'wirthforge-canvas' });
    this.worker.onmessage = (event: MessageEvent<CanvasWorkerEvent>) => {
      const message = event.data;
      if (message.kind === 'failed') onFailure(message.reason);
      else if (message.kind === 'drawn') {
        this.lastReportAt = performance.now();
        this.framesSinceReport = 0;
        onDrawn(message.frames);
      }
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      onFailure(event.message || 'the canvas worker stopped');
    };
    const offscreen = canvas.transferControlToOffscreen();
    this.send({ kind: 'init', canvas: offscreen }, [offscreen]);
  }

  setPool(pool: ParticlePool): void {
    this.pool = pool;
    pool.takeWrittenRanges();
    this.send({ kind: 'pool', capacity: pool.capacity });
  }

  resize(width: number, height: number, dpr: number): void {
    this.send({ kind: 'resize', width, height, dpr });
  }

  draw(timeS: number, pointScale: number): void {
    const pool = this.pool;
    if (!pool || this.failed) return;
    const silence = canvasWorkerSilence(performance.now() - this.lastReportAt, ++this.framesSinceReport);
    if (silence !== null) {
      this.failed = true;
      this.worker.terminate();
      this.onFailure(silence);
      return;
    }
    const updates: SlotUpdate[] = pool.takeWrittenRanges().map(({ start, end }) => ({
      start,
      motion: pool.motion.slice(start * MOTION_STRIDE, end * MOTION_STRIDE),
      life: pool.life.slice(start * LIFE_STRIDE, end * LIFE_STRIDE),
      color: pool.color.slice(start * COLOR_STRIDE, end * COLOR_STRIDE),
    }));
    this.send(
      { kind: 'draw', timeS, pointScale, updates },
      updates.flatMap((u) => [u.motion.buffer, u.life.buffer, u.color.buffer]),
    );
  }

  clear(): void {
    this.send({ kind: 'clear' });
  }

  dispose(): void {
    this.send({ kind: 'dispose' });
    this.pool = null;
  }

  private send(message: CanvasWorkerRequest, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }
}
