import type { FrameScheduler } from './frame-batcher.ts';

/**
 * Frames paced by the page: the batcher's frame request is granted at once when no batch is in flight,
 * otherwise when the page acknowledges the one it has (it draws it in its next animation frame).
 */
export class AckFrames implements FrameScheduler {
  private waiting: ((frameTimeMs: number) => void) | null = null;
  private inFlight = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  request(callback: (frameTimeMs: number) => void): () => void {
    this.waiting = callback;
    this.grant();
    return () => {
      if (this.waiting === callback) this.waiting = null;
    };
  }

  /** A batch went out: the next waits for the page's acknowledgement. */
  sent(): void {
    this.inFlight = true;
  }

  ack(): void {
    this.inFlight = false;
    this.grant();
  }

  private grant(): void {
    if (this.inFlight || this.timer !== null || !this.waiting) return;
    // Never synchronously inside request(): the batcher records its cancel handle after asking.
    this.timer = setTimeout(() => {
      this.timer = null;
      const callback = this.waiting;
      this.waiting = null;
      if (callback && !this.inFlight) callback(performance.now());
      else if (callback) this.waiting = callback;
    }, 0);
  }
}
