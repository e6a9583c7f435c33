/**
 * Frees a KV cache entry's CPU memory the moment transformers.js replaces it.
 *
 * ORT Web copies every output of a run out of WASM memory into a new ArrayBuffer, the whole KV cache
 * included: each decode step of wf-stories15m at a 216-token context allocates 3 MB afresh. Until V8
 * collects the previous step's arrays, Chromium's allocator serves that from pages not yet touched,
 * and the first write to them cost more than the copy itself (docs/benchmarks.md has the trace).
 * transformers.js replaces a cache entry in `DynamicCache.update` once the step that read it has run,
 * and disposes a replaced GPU tensor there itself; releasing a replaced CPU tensor's buffer at the
 * same moment lets the next step's copy land in memory the previous one just used.
 *
 * Measured side by side (bench/cache-release-ab.ts), it pays only where ORT Web runs single-threaded:
 * there decode at a 216-token context went 1.25–1.57× faster (2.9× with the other core busy), while with
 * ORT's two threads on a 2-core machine each release cost more than it saved (0.43–0.73×).
 */

/** The part of a transformers.js tensor the decision reads. `data` is read only for CPU tensors. */
export interface CacheTensorView {
  readonly location: string;
  readonly data: unknown;
}

/** A whole, detachable buffer that only this typed array uses, or null. */
function ownBuffer(data: unknown): ArrayBuffer | null {
  if (!ArrayBuffer.isView(data)) return null;
  const { buffer } = data;
  if (!(buffer instanceof ArrayBuffer)) return null;
  return data.byteOffset === 0 && data.byteLength === buffer.byteLength ? buffer : null;
}

/**
 * The smallest buffer worth releasing. At a 17-token prompt (cache entries of 20–56 KB) the release
 * measured 0.94–0.98× (a loss within the noise); from a 48-token prompt on (55–92 KB) it paid, more as
 * the context grew (1.10× at 48, 1.29× at 144).
 */
export const MIN_RELEASE_BYTES = 64 * 1024;

/**
 * The buffers an update frees: those of the CPU entries it replaces with another tensor, unless a
 * tensor the cache still holds afterwards (a new entry, or one the update leaves alone) uses the
 * same buffer, or the buffer is smaller than `minBytes`. A view into a larger or shared buffer is
 * never freed.
 */
export function replacedBuffers(current: Readonly<Record<string, CacheTensorView | undefined>>, incoming: Readonly<Record<string, CacheTensorView>>, minBytes = 0): ArrayBuffer[] {
  const after = { ...current, ...incoming };
  const kept = new Set<ArrayBuffer>();
  for (const tensor of Object.values(after)) {
    const buffer = tensor?.location === 'cpu' ? ownBuffer(tensor.data) : null;
    if (buffer) kept.add(buffer);
  }
  const freed = new Set<ArrayBuffer>();
  for (const [name, next] of Object.entries(incoming)) {
    const old = current[name];
    if (!old || old === next || old.location !== 'cpu') continue;
    const buffer = ownBuffer(old.data);
    if (buffer && buffer.byteLength >= minBytes && !kept.has(buffer)) freed.add(buffer);
  }
  return [...freed];
}

type Release = (buffer: ArrayBuffer) => void;

interface TransferableBuffer {
  transfer(newLength?: number): ArrayBuffer;
}

/**
 * `ArrayBuffer.prototype.transfer(0)` detaches the buffer and frees its memory at once (Chromium 114,
 * Firefox 122, Safari 17.4); where it is missing (Node 20) nothing is released and the collector
 * frees the buffer as before.
 */
export function transferRelease(): Release | null {
  const prototype = ArrayBuffer.prototype as Partial<TransferableBuffer>;
  if (typeof prototype.transfer !== 'function') return null;
  return (buffer) => (buffer as unknown as TransferableBuffer).transfer(0);
}

interface CacheClass {
  prototype: { update(entries: Record<string, unknown>): void };
}

/** Whether a run frees replaced entries: on WASM with one ORT thread, where it was measured to pay. */
export function releasesCache(run: { device: string; wasmThreads: number }): boolean {
  return run.device === 'wasm' && run.wasmThreads === 1;
}

const INSTALLED = Symbol.for('wirthforge.cache-release');
let enabled = false;

/** Whether replaced entries are freed from now on (off until a load says, from `releasesCache`). */
export function setCacheRelease(on: boolean): void {
  enabled = on;
}

/**
 * Wraps `update` of transformers.js's DynamicCache once per class. A buffer that cannot be released
 * (not detachable) is left to the collector: the release only ever saves memory, it never fails a step.
 */
export function installCacheRelease(cacheClass: CacheClass, release: Release | null = transferRelease()): boolean {
  const prototype = cacheClass.prototype as CacheClass['prototype'] & { [INSTALLED]?: true };
  if (!release) return false;
  if (prototype[INSTALLED]) return true;
  const update = prototype.update;
  prototype.update = function (this: Record<string, CacheTensorView | undefined>, entries: Record<string, CacheTensorView>): void {
    const freed = enabled ? replacedBuffers(this, entries, MIN_RELEASE_BYTES) : [];
    update.call(this, entries);
    for (const buffer of freed) {
      try {
        release(buffer);
      } catch {
        // Not detachable (an external buffer): the collector frees it later, as without the release.
      }
    }
  } as CacheClass['prototype']['update'];
  prototype[INSTALLED] = true;
  return true;
}
