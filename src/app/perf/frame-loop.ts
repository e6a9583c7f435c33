/**
 * The page's one requestAnimationFrame loop. Everything that draws (the canvas, the text panes, the
 * overlay) subscribes to it and applies, in one callback per frame, whatever arrived since the last
 * frame; so there is one frame clock to measure, and the measurement covers all of the page's frame
 * work. It publishes a frame summary (fps, frame time percentiles, busy time, late and long frames)
 * as a signal a few times a second.
 */
import { signal, type ReadonlySignal } from '@preact/signals';
import { FrameWindow, summarizeFrames, type FrameSummary } from '../../metrics/frame-window.ts';

export interface FrameTick {
  now: number;
  deltaMs: number;
}

export type FrameCallback = (tick: FrameTick) => void;

export interface FrameClock {
  request(callback: (now: number) => void): number;
  cancel(handle: number): void;
  now(): number;
}

const browserClock: FrameClock = {
  request: (callback) => requestAnimationFrame(callback),
  cancel: (handle) => cancelAnimationFrame(handle),
  now: () => performance.now(),
};

export interface FrameLoopOptions {
  /** How much history the published summary covers. */
  windowMs?: number;
  publishEveryMs?: number;
  clock?: FrameClock;
}

interface Subscriber {
  order: number;
  callback: FrameCallback;
}

export class FrameLoop {
  private readonly window: FrameWindow;
  private readonly windowMs: number;
  private readonly publishEveryMs: number;
  private readonly clock: FrameClock;
  private subscribers: Subscriber[] = [];
  private handle: number | null = null;
  private lastFrame: number | null = null;
  private lastPublish = 0;
  private longFrameTimes: number[] = [];
  private longFrameObserver: PerformanceObserver | null = null;
  private readonly summarySignal;
  /** Frames per second the tier aims for: a frame is late against this target. */
  targetFps = 60;

  constructor(options: FrameLoopOptions = {}) {
    this.windowMs = options.windowMs ?? 5000;
    this.publishEveryMs = options.publishEveryMs ?? 500;
    this.clock = options.clock ?? browserClock;
    this.window = new FrameWindow(this.windowMs);
    this.summarySignal = signal<FrameSummary>(summarizeFrames([], this.targetFps, null));
  }

  /** The latest summary of the last `windowMs` of frames. */
  get summary(): ReadonlySignal<FrameSummary> {
    return this.summarySignal;
  }

  /** Lower `order` runs first in a frame (text before the canvas, the overlay last). Returns the unsubscribe. */
  subscribe(callback: FrameCallback, order = 0): () => void {
    const entry = { order, callback };
    this.subscribers = [...this.subscribers, entry].sort((a, b) => a.order - b.order);
    return () => {
      this.subscribers = this.subscribers.filter((s) => s !== entry);
    };
  }

  start(): void {
    if (this.handle !== null) return;
    this.observeLongFrames();
    if (typeof document !== 'undefined') {
      // The browser stops frames in a hidden tab; the gap on return is not a slow frame.
      document.addEventListener('visibilitychange', () => {
        this.lastFrame = null;
      });
    }
    this.handle = this.clock.request(this.frame);
  }

  stop(): void {
    if (this.handle !== null) this.clock.cancel(this.handle);
    this.handle = null;
    this.lastFrame = null;
    this.longFrameObserver?.disconnect();
    this.longFrameObserver = null;
  }

  /** Forget the history (e.g. when a benchmark phase starts). */
  reset(): void {
    this.window.clear();
    this.longFrameTimes = [];
    this.lastFrame = null;
  }

  /** The summary now, computed on demand (the signal lags by up to `publishEveryMs`). */
  summarizeNow(): FrameSummary {
    return summarizeFrames(this.window.frames(), this.targetFps, this.longFrameCount(this.clock.now()));
  }

  private readonly frame = (now: number): void => {
    this.handle = this.clock.request(this.frame);
    const deltaMs = this.lastFrame === null ? 0 : now - this.lastFrame;
    this.lastFrame = now;
    const began = this.clock.now();
    for (const { callback } of this.subscribers) {
      try {
        callback({ now, deltaMs });
      } catch (error) {
        // One broken drawer must not stop every other one from drawing.
        console.error('frame callback failed', error);
      }
    }
    if (deltaMs > 0) this.window.push({ at: now, deltaMs, busyMs: this.clock.now() - began });
    if (now - this.lastPublish >= this.publishEveryMs) {
      this.lastPublish = now;
      this.summarySignal.value = this.summarizeNow();
    }
  };

  private observeLongFrames(): void {
    try {
      if (typeof PerformanceObserver === 'undefined' || !PerformanceObserver.supportedEntryTypes?.includes('long-animation-frame')) return;
      this.longFrameObserver = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) this.longFrameTimes.push(entry.startTime + entry.duration);
      });
      this.longFrameObserver.observe({ type: 'long-animation-frame' });
    } catch {
      this.longFrameObserver = null;
    }
  }

  private longFrameCount(now: number): number | null {
    if (!this.longFrameObserver) return null;
    this.longFrameTimes = this.longFrameTimes.filter((t) => now - t <= this.windowMs);
    return this.longFrameTimes.length;
  }
}
