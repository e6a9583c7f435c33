/**
 * The canvas worker: draws the living canvas with WebGL on an OffscreenCanvas, off the page's main
 * thread. Where the browser composites in software (no GPU, or a blocklisted one: SwiftShader), a
 * WebGL canvas on the page is read back to the CPU on the main thread every frame; here that cost,
 * and the GL work, land on this thread instead of the page's frame budget.
 */
import { GlRenderer } from './gl-renderer.ts';
import { ParticlePool } from './particle-pool.ts';
import type { CanvasWorkerEvent, CanvasWorkerRequest, SlotUpdate } from './canvas-protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let renderer: GlRenderer | null = null;
let pool: ParticlePool | null = null;
let pending: { timeS: number; pointScale: number } | null = null;
let scheduled = false;
let frames = 0;

function post(event: CanvasWorkerEvent): void {
  scope.postMessage(event);
}

function apply(updates: readonly SlotUpdate[]): void {
  if (!pool) return;
  for (const u of updates) pool.writeSlots(u.start, u.motion, u.life, u.color);
}

/** Draws the latest request once per worker frame: requests that pile up while a frame is slow merge. */
function drawPending(): void {
  scheduled = false;
  const request = pending;
  pending = null;
  if (!request || !renderer) return;
  try {
    renderer.draw(request.timeS, request.pointScale);
    frames++;
    if (frames % 60 === 1) post({ kind: 'drawn', frames });
  } catch (error) {
    post({ kind: 'failed', reason: error instanceof Error ? error.message : String(error) });
  }
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  if (typeof scope.requestAnimationFrame === 'function') scope.requestAnimationFrame(drawPending);
  else setTimeout(drawPending, 0);
}

scope.onmessage = (event: MessageEvent<CanvasWorkerRequest>) => {
  const message = event.data;
  switch (message.kind) {
    case 'init':
      try {
        renderer = new GlRenderer(message.canvas);
        post({ kind: 'ready' });
      } catch (error) {
        post({ kind: 'failed', reason: error instanceof Error ? error.message : String(error) });
      }
      return;
    case 'pool':
      pool = new ParticlePool(message.capacity);
      renderer?.setPool(pool);
      return;
    case 'resize':
      renderer?.resize(message.width, message.height, message.dpr);
      return;
    case 'draw':
      apply(message.updates);
      pending = { timeS: message.timeS, pointScale: message.pointScale };
      schedule();
      return;
    case 'clear':
      pending = null;
      renderer?.clear();
      return;
    case 'dispose':
      renderer?.dispose();
      renderer = null;
      pool = null;
      scope.close();
      return;
  }
};
