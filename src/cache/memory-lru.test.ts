import { describe, expect, it } from 'vitest';
import { ByteLru } from './memory-lru.ts';

type Step = ['set', string, number] | ['get', string];

describe('ByteLru', () => {
  it.each<[string, number, Step[], string[], number, number]>([
    ['under the bound: all kept', 10, [['set', 'a', 3], ['set', 'b', 3], ['set', 'c', 4]], ['a', 'b', 'c'], 10, 0],
    ['over by bytes: the oldest goes', 10, [['set', 'a', 3], ['set', 'b', 3], ['set', 'c', 5]], ['b', 'c'], 8, 1],
    ['a hit protects an entry', 10, [['set', 'a', 3], ['set', 'b', 3], ['get', 'a'], ['set', 'c', 5]], ['a', 'c'], 8, 1],
    ['one large entry pushes out several', 10, [['set', 'a', 2], ['set', 'b', 2], ['set', 'c', 2], ['set', 'd', 9]], ['d'], 9, 3],
    ['larger than the tier: refused, nothing evicted', 10, [['set', 'a', 4], ['set', 'big', 11]], ['a'], 4, 0],
    ['replacing a key counts its new size once', 10, [['set', 'a', 4], ['set', 'a', 6], ['set', 'b', 4]], ['a', 'b'], 10, 0],
    ['a miss changes nothing', 10, [['set', 'a', 4], ['get', 'zz'], ['set', 'b', 7]], ['b'], 7, 1],
    ['exactly full is kept', 6, [['set', 'a', 3], ['set', 'b', 3]], ['a', 'b'], 6, 0],
  ])('%s', (_name, maxBytes, steps, keys, bytes, evictions) => {
    const evicted: string[] = [];
    const lru = new ByteLru<string>(maxBytes, (key) => evicted.push(key));
    for (const step of steps) {
      if (step[0] === 'set') lru.set(step[1], step[1], step[2]);
      else lru.get(step[1]);
    }
    expect(lru.keys()).toEqual(keys);
    expect(lru.bytes).toBe(bytes);
    expect(lru.evictions).toBe(evictions);
    expect(evicted).toHaveLength(evictions);
    expect(lru.size).toBe(keys.length);
  });

  it('peek does not make an entry recent; delete and clear free the bytes without counting evictions', () => {
    const lru = new ByteLru<number>(10);
    lru.set('a', 1, 5);
    lru.set('b', 2, 5);
    expect(lru.peek('a')).toBe(1);
    lru.set('c', 3, 5);
    expect(lru.keys()).toEqual(['b', 'c']);
    expect(lru.delete('b')).toBe(true);
    expect(lru.bytes).toBe(5);
    lru.clear();
    expect([lru.bytes, lru.size, lru.evictions]).toEqual([0, 0, 1]);
  });
});
