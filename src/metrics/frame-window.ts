/**
 * Frame-time statistics over a sliding window of recent frames: pure, so the quality rules, the stats
 * overlay, the alerts and the benchmark all read the same figures computed the same way.
 */
import { percentile, spreadOf } from './stats.ts';

export interface FrameRecord {
  /** Frame timestamp (ms, requestAnimationFrame's clock). */
  at: number;
  /** Time since the previous frame (ms). */
  deltaMs: number;
  /** Time the page's own frame work took inside this frame's callbacks (ms). */
  busyMs: number;
}

export interface FrameSummary {
  frames: number;
  /** Span of the window in ms (first to last frame). */
  spanMs: number;
  fps: number;
  frameMs: { mean: number; p50: number; p95: number; p99: number };
  busyMs: { p50: number; p95: number; max: number };
  /** Frames whose gap exceeded 1.5 target frame times: at least one refresh was missed. */
  lateFrames: number;
  lateFraction: number;
  /** Long animation frames the browser reported in the window (null where it cannot report them). */
  longAnimationFrames: number | null;
}

/** A gap this many target frame times long means a missed refresh (a vsync skipped). */
export const LATE_FRAME_FACTOR = 1.5;

export function summarizeFrames(frames: readonly FrameRecord[], targetFps: number, longAnimationFrames: number | null): FrameSummary {
  const deltas = frames.map((f) => f.deltaMs).sort((a, b) => a - b);
  const busy = frames.map((f) => f.busyMs).sort((a, b) => a - b);
  const n = frames.length;
  const spanMs = n === 0 ? 0 : frames[n - 1]!.at - frames[0]!.at + frames[0]!.deltaMs;
  const total = deltas.reduce((sum, d) => sum + d, 0);
  const lateLimit = (1000 / targetFps) * LATE_FRAME_FACTOR;
  const lateFrames = deltas.filter((d) => d > lateLimit).length;
  return {
    frames: n,
    spanMs,
    fps: total > 0 ? (n * 1000) / total : 0,
    frameMs: {
      mean: n === 0 ? Number.NaN : total / n,
      p50: percentile(deltas, 50),
      p95: percentile(deltas, 95),
      p99: percentile(deltas, 99),
    },
    busyMs: spreadOf(busy),
    lateFrames,
    lateFraction: n === 0 ? 0 : lateFrames / n,
    longAnimationFrames,
  };
}

/** Keeps the frames of the last `windowMs` in a fixed-size ring (no allocation per frame). */
export class FrameWindow {
  private readonly at: Float64Array;
  private readonly delta: Float64Array;
  private readonly busy: Float64Array;
  private start = 0;
  private count = 0;

  constructor(
    private readonly windowMs: number,
    capacity = 1024,
  ) {
    this.at = new Float64Array(capacity);
    this.delta = new Float64Array(capacity);
    this.busy = new Float64Array(capacity);
  }

  push(frame: FrameRecord): void {
    const capacity = this.at.length;
    if (this.count === capacity) {
      this.start = (this.start + 1) % capacity;
      this.count--;
    }
    const index = (this.start + this.count) % capacity;
    this.at[index] = frame.at;
    this.delta[index] = frame.deltaMs;
    this.busy[index] = frame.busyMs;
    this.count++;
    while (this.count > 0 && frame.at - this.at[this.start]! > this.windowMs) {
      this.start = (this.start + 1) % capacity;
      this.count--;
    }
  }

  frames(): FrameRecord[] {
    const out: FrameRecord[] = [];
    for (let i = 0; i < this.count; i++) {
      const index = (this.start + i) % this.at.length;
      out.push({ at: this.at[index]!, deltaMs: this.delta[index]!, busyMs: this.busy[index]! });
    }
    return out;
  }

  clear(): void {
    this.start = 0;
    this.count = 0;
  }
}
