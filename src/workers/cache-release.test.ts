import { beforeEach, describe, expect, it } from 'vitest';
import { MIN_RELEASE_BYTES, installCacheRelease, releasesCache, replacedBuffers, setCacheRelease, type CacheTensorView } from './cache-release.ts';

const cpu = (data: unknown): CacheTensorView => ({ location: 'cpu', data });
const gpu = (): CacheTensorView => ({
  location: 'gpu-buffer',
  get data(): unknown {
    throw new Error('a GPU tensor has no CPU data');
  },
});

describe('replacedBuffers', () => {
  const a = new Float32Array(4);
  const b = new Float32Array(4);
  const c = new Float32Array(4);
  const big = new ArrayBuffer(64);
  const view = new Float32Array(big, 16, 4);
  const whole = new Float32Array(big);
  const shared = new Float32Array(new SharedArrayBuffer(16));
  const gpuOld = gpu();
  const aTensor = cpu(a);

  const cases: { name: string; current: Record<string, CacheTensorView | undefined>; incoming: Record<string, CacheTensorView>; freed: ArrayBuffer[] }[] = [
    { name: 'a replaced CPU entry is freed', current: { 'past_key_values.0.key': cpu(a) }, incoming: { 'past_key_values.0.key': cpu(b) }, freed: [a.buffer] },
    { name: 'every replaced entry, once each', current: { k: cpu(a), v: cpu(b) }, incoming: { k: cpu(c), v: cpu(new Float32Array(2)) }, freed: [a.buffer, b.buffer] },
    { name: 'a new entry frees nothing', current: {}, incoming: { k: cpu(a) }, freed: [] },
    { name: 'the same tensor again is kept', current: { k: aTensor }, incoming: { k: aTensor }, freed: [] },
    { name: 'a new tensor over the same buffer keeps it', current: { k: cpu(a) }, incoming: { k: cpu(a) }, freed: [] },
    { name: 'a buffer another entry still holds is kept', current: { k: cpu(a), v: cpu(a) }, incoming: { k: cpu(b) }, freed: [] },
    { name: 'a buffer the update moves to another name is kept', current: { k: cpu(a) }, incoming: { k: cpu(b), v: cpu(a) }, freed: [] },
    { name: 'a GPU entry is left to transformers.js', current: { k: gpuOld }, incoming: { k: cpu(b) }, freed: [] },
    { name: 'a view into a larger buffer is never freed', current: { k: cpu(view) }, incoming: { k: cpu(b) }, freed: [] },
    { name: 'a whole-buffer view is', current: { k: cpu(whole) }, incoming: { k: cpu(b) }, freed: [big] },
    { name: 'a shared buffer is never freed', current: { k: cpu(shared) }, incoming: { k: cpu(b) }, freed: [] },
    { name: 'data that is not a typed array is ignored', current: { k: cpu([1, 2]) }, incoming: { k: cpu(b) }, freed: [] },
  ];
  for (const { name, current, incoming, freed } of cases) {
    it(name, () => {
      const got = replacedBuffers(current, incoming);
      expect(got).toHaveLength(freed.length);
      freed.forEach((buffer, i) => expect(got[i]).toBe(buffer));
    });
  }

  const small = new Float32Array(16);
  const large = new Float32Array(64);
  const sizeCases: { name: string; minBytes: number; freed: ArrayBuffer[] }[] = [
    { name: 'no floor frees both', minBytes: 0, freed: [small.buffer, large.buffer] },
    { name: 'a floor at the smaller size frees both', minBytes: 64, freed: [small.buffer, large.buffer] },
    { name: 'a floor above it frees only the larger', minBytes: 65, freed: [large.buffer] },
    { name: 'a floor above both frees neither', minBytes: 257, freed: [] },
  ];
  for (const { name, minBytes, freed } of sizeCases) {
    it(`size floor: ${name}`, () => {
      const got = replacedBuffers({ s: cpu(small), l: cpu(large) }, { s: cpu(new Float32Array(1)), l: cpu(new Float32Array(1)) }, minBytes);
      expect(got).toHaveLength(freed.length);
      freed.forEach((buffer, i) => expect(got[i]).toBe(buffer));
    });
  }
});

describe('releasesCache', () => {
  const cases: { device: string; wasmThreads: number; releases: boolean }[] = [
    { device: 'wasm', wasmThreads: 1, releases: true },
    { device: 'wasm', wasmThreads: 2, releases: false },
    { device: 'wasm', wasmThreads: 4, releases: false },
    { device: 'webgpu', wasmThreads: 0, releases: false },
    { device: 'webgpu', wasmThreads: 1, releases: false },
  ];
  for (const run of cases) it(`${run.device}, ${run.wasmThreads} thread(s): ${run.releases ? 'releases' : 'leaves it to the collector'}`, () => expect(releasesCache(run)).toBe(run.releases));
});

describe('installCacheRelease', () => {
  const MIN = MIN_RELEASE_BYTES / 4;
  beforeEach(() => setCacheRelease(true));

  interface TestCache {
    update(entries: Record<string, CacheTensorView>): void;
    k?: CacheTensorView;
  }
  function cacheClass(): { new (): TestCache; prototype: { update(entries: Record<string, unknown>): void } } {
    return class Cache {
      update(entries: Record<string, unknown>): void {
        Object.assign(this, entries);
      }
    } as never;
  }

  /** A cache class with the release installed, recording what it frees, and one cache of it. */
  function installed(): { cache: TestCache; released: ArrayBuffer[] } {
    const Cache = cacheClass();
    const released: ArrayBuffer[] = [];
    installCacheRelease(Cache, (buffer) => released.push(buffer));
    return { cache: new Cache(), released };
  }

  it('frees what an update replaces, after the update has run', () => {
    const Cache = cacheClass();
    const released: ArrayBuffer[] = [];
    let heldDuringRelease: unknown;
    const cache = new Cache();
    expect(installCacheRelease(Cache, (buffer) => ((heldDuringRelease = cache.k?.data), released.push(buffer)))).toBe(true);
    const first = new Float32Array(MIN);
    const second = new Float32Array(MIN);
    cache.update({ k: cpu(first) });
    expect(released).toEqual([]);
    cache.update({ k: cpu(second) });
    expect(released).toHaveLength(1);
    expect(released[0]).toBe(first.buffer);
    expect(heldDuringRelease).toBe(second);
  });

  it(`leaves a buffer under ${MIN_RELEASE_BYTES} bytes to the collector`, () => {
    const { cache, released } = installed();
    cache.update({ k: cpu(new Float32Array(MIN - 1)) });
    cache.update({ k: cpu(new Float32Array(MIN)) });
    expect(released).toHaveLength(0);
  });

  it('is installed once however often it is asked', () => {
    const Cache = cacheClass();
    const released: ArrayBuffer[] = [];
    installCacheRelease(Cache, (buffer) => released.push(buffer));
    installCacheRelease(Cache, (buffer) => released.push(buffer));
    const cache = new Cache();
    cache.update({ k: cpu(new Float32Array(MIN)) });
    cache.update({ k: cpu(new Float32Array(MIN)) });
    expect(released).toHaveLength(1);
  });

  it('a release that throws leaves the update done', () => {
    const Cache = cacheClass();
    installCacheRelease(Cache, () => {
      throw new TypeError('not detachable');
    });
    const cache = new Cache();
    const next = cpu(new Float32Array(MIN));
    cache.update({ k: cpu(new Float32Array(MIN)) });
    expect(() => cache.update({ k: next })).not.toThrow();
    expect(cache.k).toBe(next);
  });

  it('without a way to release (no ArrayBuffer.transfer) it installs nothing', () => {
    const Cache = cacheClass();
    const update = Cache.prototype.update;
    expect(installCacheRelease(Cache, null)).toBe(false);
    expect(Cache.prototype.update).toBe(update);
  });

  it('frees nothing until a load turns it on', () => {
    setCacheRelease(false);
    const { cache, released } = installed();
    cache.update({ k: cpu(new Float32Array(MIN)) });
    cache.update({ k: cpu(new Float32Array(MIN)) });
    expect(released).toHaveLength(0);
  });

  it('turned off, it frees nothing until turned on again', () => {
    const { cache, released } = installed();
    cache.update({ k: cpu(new Float32Array(MIN)) });
    setCacheRelease(false);
    try {
      cache.update({ k: cpu(new Float32Array(MIN)) });
      expect(released).toHaveLength(0);
    } finally {
      setCacheRelease(true);
    }
    cache.update({ k: cpu(new Float32Array(MIN)) });
    expect(released).toHaveLength(1);
  });
});
