/**
 * The page's side of adaptation: every `SAMPLE_EVERY_MS` it reports the mean frame time (frame deltas
 * of the page's one frame loop), a CPU busy share estimated from Long Tasks (time in tasks over 50 ms ÷
 * wall time; null where the browser has no long-task timing), and the memory share (page-memory.ts says
 * why it is the measured heap and not the scheduler's ledger). One sample per period; none while the
 * page draws no frames (a hidden tab).
 */
import type { FrameCallback } from '../perf/frame-loop.ts';
import { pageMemoryShare } from './page-memory.ts';
import type { AdaptationSample } from '../../scheduler/protocol.ts';

export type PageSample = Omit<AdaptationSample, 'atMs'>;

/** How often the page reports its frame time and CPU share to the adaptation rules. */
export const SAMPLE_EVERY_MS = 1000;

/** Fewer frames than this in a period: the page was not drawing (hidden), so there is nothing to say. */
const MIN_FRAMES_PER_SAMPLE = 5;

export interface FrameSamplerSources {
  /** The page's frame loop (its ticks carry the delta since the previous frame). */
  subscribeFrames(callback: FrameCallback): () => void;
  readMemoryShare(): number | null;
  now(): number;
  /** Long-task durations as they are observed; returns the disconnect, or null where unsupported. */
  observeLongTasks(onTask: (durationMs: number) => void): (() => void) | null;
}

function observeLongTasks(onTask: (durationMs: number) => void): (() => void) | null {
  try {
    if (typeof PerformanceObserver === 'undefined' || !PerformanceObserver.supportedEntryTypes?.includes('longtask')) return null;
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) onTask(entry.duration);
    });
    observer.observe({ type: 'longtask' });
    return () => observer.disconnect();
  } catch {
    return null;
  }
}

const browserSources: Omit<FrameSamplerSources, 'subscribeFrames'> = {
  readMemoryShare: pageMemoryShare,
  now: () => performance.now(),
  observeLongTasks,
};

export class FrameSampler {
  private frameDeltas: number[] = [];
  private longTaskMs = 0;
  private periodStart = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private unsubscribe: (() => void) | null = null;
  private disconnectLongTasks: (() => void) | null = null;
  private readonly sources: FrameSamplerSources;

  constructor(
    private readonly report: (sample: PageSample) => void,
    sources: Pick<FrameSamplerSources, 'subscribeFrames'> & Partial<FrameSamplerSources>,
  ) {
    this.sources = { ...browserSources, ...sources };
  }

  start(): void {
    if (this.timer !== null) return;
    this.unsubscribe = this.sources.subscribeFrames(({ deltaMs }) => {
      // The loop's first frame (and the first after a hidden spell) has no predecessor: delta 0.
      if (deltaMs > 0) this.frameDeltas.push(deltaMs);
    });
    this.disconnectLongTasks = this.sources.observeLongTasks((ms) => (this.longTaskMs += ms));
    this.periodStart = this.sources.now();
    this.timer = setInterval(() => this.emit(), SAMPLE_EVERY_MS);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.unsubscribe?.();
    this.disconnectLongTasks?.();
    this.timer = null;
    this.unsubscribe = null;
    this.disconnectLongTasks = null;
    this.frameDeltas = [];
    this.longTaskMs = 0;
  }

  private emit(): void {
    const now = this.sources.now();
    const period = now - this.periodStart;
    const deltas = this.frameDeltas;
    this.frameDeltas = [];
    this.periodStart = now;
    const busy = this.disconnectLongTasks && period > 0 ? Math.min(1, this.longTaskMs / period) : null;
    this.longTaskMs = 0;
    // A hidden page draws no frames: no sample (the rules treat a gap as a broken window).
    if (deltas.length < MIN_FRAMES_PER_SAMPLE) return;
    this.report({ meanFrameMs: deltas.reduce((a, b) => a + b, 0) / deltas.length, cpuBusy: busy, memoryFraction: this.sources.readMemoryShare() });
  }
}
