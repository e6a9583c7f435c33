/**
 * The page's one debug handle, `window.__wirthforge`: the stores and hooks that the end-to-end tests and
 * the benchmark reach into (and a person can, from the console). It is built once, in `main.tsx`, from
 * the stores that page made; the tests import `DebugWindow` for its types, so a renamed hook breaks the
 * type check instead of a test at run time.
 */
import type { CouncilStore } from './council/council-store.ts';
import type { Monitor } from './monitor/monitor.ts';
import type { QualityStore } from './quality/quality-store.ts';
import type { CanvasStats } from './canvas/living-canvas.ts';
import type { RecordedFrames } from './quality/frame-recorder.ts';
import type { FrameSummary } from '../metrics/frame-window.ts';
import type { PluginsStore } from './plugins/plugins-store.ts';
import type { ResponseCacheStore } from './cache/response-cache-store.ts';

export interface DebugHandle {
  council: CouncilStore;
  /** Kills one council member's worker as the browser would (true when there was one to kill). */
  crashMember(memberId: string): Promise<boolean>;
  monitor: Monitor;
  quality: QualityStore;
  /** null while the canvas is off. */
  canvasStats(): CanvasStats | null;
  /** Busy-waits `ms` in every frame (0 stops): a page that cannot keep up. */
  slowFrames(ms: number): void;
  frameSummary(): FrameSummary;
  /** Records every frame from now until `stopRecordingFrames`. */
  recordFrames(): void;
  stopRecordingFrames(): RecordedFrames;
  plugins: PluginsStore;
  responseCache: ResponseCacheStore;
}

export interface DebugWindow {
  __wirthforge: DebugHandle;
}

export function installDebugHandle(handle: DebugHandle): void {
  (globalThis as unknown as Partial<DebugWindow>).__wirthforge = handle;
}
