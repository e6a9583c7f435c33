/**
 * The page's memory, from the two sources a browser offers. `performance.memory` (Chromium only,
 * non-standard) is a cheap read of the JS heap. `performance.measureUserAgentSpecificMemory()` covers
 * the page and its workers, but exists only on a cross-origin-isolated page and may take seconds (it
 * waits for a garbage collection), so it is asked rarely and never twice at once.
 */

export interface JsHeap {
  usedBytes: number;
  limitBytes: number;
}

export function readJsHeap(): JsHeap | null {
  const memory = (performance as Performance & { memory?: { usedJSHeapSize: number; jsHeapSizeLimit: number } }).memory;
  if (!memory || !(memory.jsHeapSizeLimit > 0)) return null;
  return { usedBytes: memory.usedJSHeapSize, limitBytes: memory.jsHeapSizeLimit };
}

export type UaMemory = { state: 'unavailable' } | { state: 'waiting' } | { state: 'measured'; bytes: number; at: number } | { state: 'failed'; message: string };

type MeasureMemory = () => Promise<{ bytes: number }>;

export const UA_MEMORY_EVERY_MS = 10_000;

export class UaMemoryProbe {
  private readonly measure: MeasureMemory | null;
  private pending = false;
  private lastAskedAt = Number.NEGATIVE_INFINITY;
  latest: UaMemory;

  constructor() {
    const fn = (performance as Performance & { measureUserAgentSpecificMemory?: MeasureMemory }).measureUserAgentSpecificMemory;
    this.measure = globalThis.crossOriginIsolated === true && typeof fn === 'function' ? fn.bind(performance) : null;
    this.latest = this.measure ? { state: 'waiting' } : { state: 'unavailable' };
  }

  /** Asks for a measurement if none is running and the last one was asked `UA_MEMORY_EVERY_MS` ago. */
  measureIfDue(now: number): void {
    if (!this.measure || this.pending || now - this.lastAskedAt < UA_MEMORY_EVERY_MS) return;
    this.pending = true;
    this.lastAskedAt = now;
    this.measure().then(
      (result) => this.settle({ state: 'measured', bytes: result.bytes, at: performance.now() }),
      (error: unknown) => this.settle({ state: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
  }

  private settle(reading: UaMemory): void {
    this.pending = false;
    this.latest = reading;
  }
}
