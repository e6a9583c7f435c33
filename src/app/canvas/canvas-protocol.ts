/**
 * Messages between the page and the canvas worker, which draws the particle pool with WebGL on an
 * OffscreenCanvas. The page keeps the pool and decides when to draw; the worker keeps a copy of the
 * pool's arrays, fed with the slots written since the last draw.
 */

/** The slots [start, start + count) of the three particle arrays, copied out of the page's pool. */
export interface SlotUpdate {
  start: number;
  motion: Float32Array;
  life: Float32Array;
  color: Float32Array;
}

export type CanvasWorkerRequest =
  | { kind: 'init'; canvas: OffscreenCanvas }
  | { kind: 'pool'; capacity: number }
  | { kind: 'resize'; width: number; height: number; dpr: number }
  /** Apply the updates, then draw at `timeS` (the page's pool clock) in the worker's next frame. */
  | { kind: 'draw'; timeS: number; pointScale: number; updates: SlotUpdate[] }
  | { kind: 'clear' }
  | { kind: 'dispose' };

export type CanvasWorkerEvent =
  | { kind: 'ready' }
  /** WebGL could not start on the OffscreenCanvas, or a draw threw: the page falls back. */
  | { kind: 'failed'; reason: string }
  | { kind: 'drawn'; frames: number };
