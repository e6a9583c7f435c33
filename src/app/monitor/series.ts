/**
 * Fixed-size rings of chart samples (e.g. five minutes at one sample a second): memory stays flat
 * however long the session runs, and handing the charts their columns costs one pass over a few
 * hundred numbers.
 */
import { percentile } from '../../metrics/stats.ts';

export class RingSeries {
  private readonly times: Float64Array;
  private readonly values: Float64Array[];
  private start = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    readonly names: readonly string[],
  ) {
    this.times = new Float64Array(capacity);
    this.values = names.map(() => new Float64Array(capacity));
  }

  get length(): number {
    return this.count;
  }

  /** One sample: a value per name, null where it is unknown (a gap in the chart). */
  push(at: number, values: readonly (number | null)[]): void {
    const slot = (this.start + this.count) % this.capacity;
    this.times[slot] = at;
    this.values.forEach((column, i) => {
      const value = values[i];
      column[slot] = value === null || value === undefined || !Number.isFinite(value) ? Number.NaN : value;
    });
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** Oldest first: the times, then one column per name with null for the gaps (uPlot's data shape). */
  columns(): [number[], ...(number | null)[][]] {
    const times: number[] = [];
    const columns = this.values.map((): (number | null)[] => []);
    for (let i = 0; i < this.count; i++) {
      const slot = (this.start + i) % this.capacity;
      times.push(this.times[slot]!);
      this.values.forEach((column, c) => {
        const value = column[slot]!;
        columns[c]!.push(Number.isNaN(value) ? null : value);
      });
    }
    return [times, ...columns];
  }
}

/**
 * Frame gaps gathered between samples: FPS over each short interval (for the FPS alert) and the
 * frame-time percentiles of each longer bucket (for the chart).
 */
export class FrameIntervals {
  private frames = 0;
  private spanMs = 0;
  private bucket: number[] = [];

  add(deltaMs: number): void {
    if (!(deltaMs > 0)) return;
    this.frames++;
    this.spanMs += deltaMs;
    this.bucket.push(deltaMs);
  }

  /** FPS since the last call (null: no frames), and the interval it covers, ending at `now`. */
  takeFps(now: number): { from: number; to: number; fps: number | null } {
    const sample = { from: now - this.spanMs, to: now, fps: this.frames === 0 ? null : (this.frames * 1000) / this.spanMs };
    this.frames = 0;
    this.spanMs = 0;
    return sample;
  }

  /** Median and 95th percentile frame time since the last call (nulls: no frames). */
  takeFrameTimes(): { p50: number | null; p95: number | null } {
    const sorted = this.bucket.sort((a, b) => a - b);
    this.bucket = [];
    if (sorted.length === 0) return { p50: null, p95: null };
    return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
  }
}
