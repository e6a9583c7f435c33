/**
 * A test stand-in: makes real slow frames by busy-waiting inside the frame loop, so end-to-end tests
 * can watch the quality rule react to frames that truly run late. Reached only through
 * `window.__wirthforge.slowFrames(ms)`; 0 turns it off.
 */
import type { FrameLoop } from '../perf/frame-loop.ts';

/** Runs last in the frame, after everything that draws. */
const SLOW_FRAME_ORDER = 1000;

export function slowFramesHook(loop: FrameLoop): (ms: number) => void {
  let stop: (() => void) | null = null;
  return (ms) => {
    stop?.();
    stop = null;
    if (!(ms > 0)) return;
    stop = loop.subscribe(() => {
      const until = performance.now() + ms;
      while (performance.now() < until) {
        // Busy on purpose: a frame that takes `ms` of main-thread time.
      }
    }, SLOW_FRAME_ORDER);
  };
}
