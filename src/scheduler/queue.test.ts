import { describe, expect, it } from 'vitest';
import { BoundedQueue, ServiceTimes, estimateRetryAfterMs, overloadMessage } from './queue.ts';

describe('BoundedQueue', () => {
  it('serves high before normal before low, first come first served within one', () => {
    const q = new BoundedQueue<string>(10);
    q.offerAll(['n1'], 'normal');
    q.offerAll(['l1'], 'low');
    q.offerAll(['h1', 'h2'], 'high');
    q.offerAll(['n2'], 'normal');
    expect(q.entries().map((e) => e.item)).toEqual(['h1', 'h2', 'n1', 'n2', 'l1']);
  });

  it('gives each item of one offer its own priority when asked', () => {
    const q = new BoundedQueue<string>(10);
    q.offerAll(['n1'], 'normal');
    q.offerAll(['a-low', 'b-high', 'c-normal'], (item) => (item.endsWith('high') ? 'high' : item.endsWith('low') ? 'low' : 'normal'));
    expect(q.entries().map((e) => `${e.item}:${e.priority}`)).toEqual(['b-high:high', 'n1:normal', 'c-normal:normal', 'a-low:low']);
  });

  it('takes all of a turn or none of it', () => {
    const q = new BoundedQueue<string>(3);
    expect(q.offerAll(['a', 'b'], 'normal').ok).toBe(true);
    expect(q.offerAll(['c', 'd'], 'normal').ok).toBe(false);
    expect(q.length).toBe(2);
  });

  it('once full it refuses until drained to the low-water mark (no flapping at the brim)', () => {
    const q = new BoundedQueue<number>(10, 7);
    for (let i = 0; i < 10; i++) expect(q.offerAll([i], 'normal').ok).toBe(true);
    expect(q.offerAll([10], 'normal')).toEqual({ ok: false, enteredOverload: true });
    expect(q.offerAll([11], 'normal')).toEqual({ ok: false, enteredOverload: false });
    q.remove(0);
    expect(q.checkRecovery()).toBe(false);
    expect(q.offerAll([12], 'normal').ok).toBe(false); // room for one, but still overloaded
    q.remove(1);
    q.remove(2);
    expect(q.length).toBe(7);
    expect(q.checkRecovery()).toBe(true);
    expect(q.isOverloaded).toBe(false);
    expect(q.offerAll([13], 'normal').ok).toBe(true);
  });

  it('a re-queued entry goes back to its place, ahead of later arrivals', () => {
    const q = new BoundedQueue<string>(10);
    q.offerAll(['a', 'b', 'c'], 'normal');
    const a = q.remove('a')!;
    q.offerAll(['d'], 'normal');
    q.requeue(a);
    expect(q.entries().map((e) => e.item)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('removeWhere keeps the order of what it removes', () => {
    const q = new BoundedQueue<string>(10);
    q.offerAll(['a1', 'b1', 'a2', 'b2'], 'normal');
    expect(q.removeWhere((s) => s.startsWith('a')).map((e) => e.item)).toEqual(['a1', 'a2']);
    expect(q.entries().map((e) => e.item)).toEqual(['b1', 'b2']);
  });

  it('rejects a capacity below 1', () => {
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
  });
});

describe('retry estimate', () => {
  it.each([
    // queued, lowWater, concurrency, mean service ms → retry after ms
    [64, 57, 2, 2000, 7000],
    [64, 57, 1, 2000, 14000],
    [500, 450, 6, 250, 3000],
    [10, 9, 4, 100, 1000], // at least one second
    [10, 9, 4, 0, 1000],
  ])('%d queued, low water %d, %d at once, %d ms each → %d ms', (queued, lowWater, concurrency, meanServiceMs, expected) => {
    expect(estimateRetryAfterMs({ queued, lowWater, concurrency, meanServiceMs })).toBe(expected);
  });

  it('says so in words', () => {
    expect(overloadMessage(64, 7000)).toBe('Overloaded: 64 requests are already waiting. Retry in ~7 s.');
  });

  it('service times: a window of the most recent', () => {
    const s = new ServiceTimes(3);
    expect(s.mean(1234)).toBe(1234);
    for (const v of [100, 200, 300, 400]) s.record(v);
    expect(s.mean(0)).toBe(300);
    s.record(Number.NaN);
    expect(s.count).toBe(3);
  });
});
