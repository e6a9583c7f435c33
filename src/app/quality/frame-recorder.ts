/**
 * Records every frame of a measured stretch (a run, the benchmark's UI scenario): the gap since the
 * previous frame, the time the page's frame-loop work took (text panes, canvas), tokens applied, and
 * long animation frames, into typed arrays that double when full (no allocation per frame). The frame
 * loop's own summary only covers its last 5 s; a run or a 30 s scenario needs all of it.
 */
import type { FrameLoop } from '../perf/frame-loop.ts';
import type { FrameRecord } from '../../metrics/frame-window.ts';
import type { TokenFeed } from '../perf/token-feed.ts';

export interface RecordedFrames {
  frames: FrameRecord[];
  tokens: number;
  durationMs: number;
  /** null where the browser cannot report long animation frames. */
  longAnimationFrames: number | null;
}

export class FrameRecorder {
  private at: Float64Array;
  private delta: Float64Array;
  private busy: Float64Array;
  private count = 0;
  private began = 0;
  private last: number | null = null;
  private tokens = 0;
  private started = 0;
  private longFrames = 0;
  private stops: (() => void)[] = [];
  private observer: PerformanceObserver | null = null;

  constructor(capacity = 4096) {
    this.at = new Float64Array(capacity);
    this.delta = new Float64Array(capacity);
    this.busy = new Float64Array(capacity);
  }

  start(loop: FrameLoop, feed: TokenFeed): void {
    this.stop();
    this.count = 0;
    this.tokens = 0;
    this.longFrames = 0;
    this.last = null;
    this.started = performance.now();
    this.stops = [
      loop.subscribe(() => {
        this.began = performance.now();
      }, Number.NEGATIVE_INFINITY),
      loop.subscribe(({ now }) => {
        const busy = performance.now() - this.began;
        if (this.last !== null) {
          if (this.count === this.at.length) this.grow();
          this.at[this.count] = now;
          this.delta[this.count] = now - this.last;
          this.busy[this.count] = busy;
          this.count++;
        }
        this.last = now;
      }, Number.POSITIVE_INFINITY),
      feed.subscribe({ tokens: (e) => (this.tokens += e.tokens) }),
    ];
    if (typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes?.includes('long-animation-frame')) {
      this.observer = new PerformanceObserver((list) => (this.longFrames += list.getEntries().length));
      this.observer.observe({ type: 'long-animation-frame' });
    }
  }

  private grow(): void {
    const larger = (from: Float64Array): Float64Array => {
      const to = new Float64Array(from.length * 2);
      to.set(from);
      return to;
    };
    this.at = larger(this.at);
    this.delta = larger(this.delta);
    this.busy = larger(this.busy);
  }

  /**
   * Stops once the next frame has run and at least one frame is recorded (or after `timeoutMs`, for a
   * page that draws no frames while hidden): the frame that writes a run's last text belongs to the
   * run, and a run shorter than a frame still gets the frame it was drawn in.
   */
  stopAfterNextFrame(loop: FrameLoop, timeoutMs = 1000): Promise<RecordedFrames> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        unsubscribe();
        clearTimeout(timer);
        resolve(this.stop());
      };
      const unsubscribe = loop.subscribe(() => {
        if (this.count > 0) queueMicrotask(finish);
      }, Number.POSITIVE_INFINITY);
      const timer = setTimeout(finish, timeoutMs);
    });
  }

  stop(): RecordedFrames {
    for (const stop of this.stops) stop();
    this.stops = [];
    const supported = this.observer !== null;
    this.observer?.disconnect();
    this.observer = null;
    const frames: FrameRecord[] = [];
    for (let i = 0; i < this.count; i++) frames.push({ at: this.at[i]!, deltaMs: this.delta[i]!, busyMs: this.busy[i]! });
    return { frames, tokens: this.tokens, durationMs: performance.now() - this.started, longAnimationFrames: supported ? this.longFrames : null };
  }
}
