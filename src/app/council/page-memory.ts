/**
 * The memory share the page reports to the scheduler's adaptation rule ("memory > 90 % → defer new
 * loads, flush idle models; resume below 80 %").
 *
 * Why the page's measured heap and not the model ledger's used ÷ budget: the ledger is the scheduler's
 * own book. It already keeps the loaded footprints under the budget (admit, evict LRU, refuse), so its
 * share is high whenever a council simply fills its budget, as on Low with one large model. Fed back as
 * "memory pressure" it would unload the models the scheduler had just admitted, reload them on the next
 * turn, and go round again. The rule is there for what the book cannot see: memory really running out.
 * Chromium's `performance.memory` measures that (used JS heap against the heap's hard limit, where the
 * tab crashes); it covers the page's own heap, not the engine workers' WASM memory or the GPU, so it
 * is a floor of the pressure, not the whole of it. Where the browser has no such figure the share is
 * null and the rule stays idle rather than acting on a guess.
 */

/** Chromium's non-standard `performance.memory`. */
export interface HeapFigures {
  usedJSHeapSize: number;
  jsHeapSizeLimit: number;
}

/** used ÷ limit, clamped to 0..1; null when the figures are missing or make no sense. */
export function heapShare(memory: Partial<HeapFigures> | null | undefined): number | null {
  if (!memory) return null;
  const { usedJSHeapSize: used, jsHeapSizeLimit: limit } = memory;
  if (typeof used !== 'number' || typeof limit !== 'number') return null;
  if (!Number.isFinite(used) || !Number.isFinite(limit) || limit <= 0 || used < 0) return null;
  return Math.min(1, used / limit);
}

/** The share now, read from this browser's `performance.memory` (null elsewhere). */
export function pageMemoryShare(): number | null {
  return heapShare((performance as Performance & { memory?: Partial<HeapFigures> }).memory);
}
