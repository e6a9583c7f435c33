import { describe, expect, it } from 'vitest';
import { ResponseCache, type ChannelPort, type DiskTier } from './response-cache.ts';
import { answerBytes, type CachedAnswer } from './cached-answer.ts';
import type { CacheChannelMessage } from './cache-channel.ts';

const answer = (n: number, text = 'x'): CachedAnswer => ({
  key: n.toString(16).padStart(64, '0'),
  pieces: [text],
  outputTokens: 1,
  promptTokens: 1,
  finishReason: 'eos',
  offsetsMs: [0],
  modelId: 'wf-tiny',
  storedAt: n,
});

/** The disk as a Map: the database itself is exercised by the e2e spec. */
class MapDisk implements DiskTier {
  readonly map = new Map<string, CachedAnswer>();
  failPuts = false;
  async get(key: string) {
    return this.map.get(key) ?? null;
  }
  async put(a: CachedAnswer) {
    if (this.failPuts) throw new DOMException('full', 'QuotaExceededError');
    this.map.set(a.key, a);
    return { stored: true, evicted: 0 };
  }
  async size() {
    return { bytes: [...this.map.values()].reduce((n, a) => n + answerBytes(a), 0), entries: this.map.size };
  }
  async clear() {
    this.map.clear();
  }
}

/** Two ports joined as tabs are by one BroadcastChannel name: each message reaches the other only. */
function joinedPorts(): [ChannelPort, ChannelPort] {
  const make = (): ChannelPort & { peer?: ChannelPort } => ({ onmessage: null, close: () => undefined, postMessage: () => undefined });
  const a = make();
  const b = make();
  const send = (to: ChannelPort) => (message: CacheChannelMessage) => queueMicrotask(() => to.onmessage?.({ data: structuredClone(message) }));
  a.postMessage = send(b);
  b.postMessage = send(a);
  return [a, b];
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ResponseCache', () => {
  it('answers from memory, then from disk after memory is gone, and counts each tier', async () => {
    const disk = new MapDisk();
    const first = new ResponseCache(disk, null);
    expect(await first.lookup(answer(1).key)).toBeNull();
    await first.store(answer(1));
    expect((await first.lookup(answer(1).key))?.tier).toBe('memory');
    const reloaded = new ResponseCache(disk, null);
    expect((await reloaded.lookup(answer(1).key))?.tier).toBe('disk');
    expect((await reloaded.lookup(answer(1).key))?.tier).toBe('memory');
    await settle();
    const stats = reloaded.stats();
    expect([stats.memory.lookups, stats.memory.hits, stats.disk.lookups, stats.disk.hits]).toEqual([2, 1, 1, 1]);
    expect(stats.disk.entries).toBe(1);
    expect(first.stats().memory.hitRate).toBe(0.5);
  });

  it('shares a stored answer with another tab, which counts it as a shared hit; both tabs count every lookup', async () => {
    const [portA, portB] = joinedPorts();
    const disk = new MapDisk();
    const a = new ResponseCache(disk, portA);
    const b = new ResponseCache(disk, portB);
    disk.failPuts = true; // only the channel can carry it to b
    await a.store(answer(2, 'shared text'));
    await settle();
    const hit = await b.lookup(answer(2).key);
    expect(hit?.tier).toBe('shared');
    expect(hit?.answer.pieces).toEqual(['shared text']);
    await settle();
    for (const cache of [a, b]) {
      const s = cache.stats();
      expect([s.memory.lookups, s.shared.lookups, s.shared.hits]).toEqual([1, 1, 1]);
    }
    expect(b.stats().shared.entries).toBe(1);
    expect(a.stats().memory.entries).toBe(1);
  });

  it('keeps the answer in memory when the disk refuses it, and says why', async () => {
    const disk = new MapDisk();
    disk.failPuts = true;
    const cache = new ResponseCache(disk, null);
    const outcome = await cache.store(answer(3));
    expect(outcome.stored).toBe(false);
    expect((await cache.lookup(answer(3).key))?.tier).toBe('memory');
  });

  it('evicts by bytes in memory and clears one tier at a time', async () => {
    const disk = new MapDisk();
    const cache = new ResponseCache(disk, null, answerBytes(answer(1)) * 2);
    for (const n of [1, 2, 3]) await cache.store(answer(n));
    expect(cache.stats().memory).toMatchObject({ entries: 2, evictions: 1 });
    await cache.clear('memory');
    expect(cache.stats().memory).toMatchObject({ entries: 0, evictions: 0, lookups: 0 });
    expect((await cache.lookup(answer(1).key))?.tier).toBe('disk');
    await cache.clear('disk');
    await settle();
    expect(cache.stats().disk).toMatchObject({ entries: 0, lookups: 0 });
  });

  it('ignores a malformed message from another tab', async () => {
    const [portA, portB] = joinedPorts();
    const b = new ResponseCache(new MapDisk(), portB);
    portB.onmessage?.({ data: { kind: 'stored', answer: { key: 'nope' } } });
    portB.onmessage?.({ data: { kind: 'lookup', outcome: 'everywhere' } });
    void portA;
    expect(b.stats().shared.entries).toBe(0);
    expect(b.stats().memory.lookups).toBe(0);
  });
});
