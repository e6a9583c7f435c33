import { describe, expect, it } from 'vitest';
import { LockStepGate, RoundRobin } from './fairness.ts';

describe('RoundRobin', () => {
  it('serves one item per stream in turn, so a flood from one stream does not starve the others', () => {
    const rr = new RoundRobin<string, number>();
    for (let i = 0; i < 100; i++) rr.push('fast', i);
    rr.push('slow', 0);
    rr.push('slower', 0);
    const first = rr.take(3).map(([k]) => k);
    expect(first).toEqual(['fast', 'slow', 'slower']);
    expect(rr.size).toBe(99);
  });

  it('keeps every stream in order and loses nothing', () => {
    const rr = new RoundRobin<string, number>();
    const pushed: Record<string, number[]> = { a: [], b: [], c: [] };
    let n = 0;
    for (let round = 0; round < 50; round++) {
      for (const k of ['a', 'b', 'c']) {
        const count = k === 'a' ? 5 : k === 'b' ? 1 : round % 3 === 0 ? 1 : 0;
        for (let i = 0; i < count; i++) {
          rr.push(k, n);
          pushed[k]!.push(n++);
        }
      }
    }
    const got: Record<string, number[]> = { a: [], b: [], c: [] };
    while (rr.size > 0) for (const [k, v] of rr.take(7)) got[k]!.push(v);
    expect(got).toEqual(pushed);
  });

  it('shiftFrom takes one stream out of turn', () => {
    const rr = new RoundRobin<string, string>();
    rr.push('a', 'a1');
    rr.push('b', 'b1');
    rr.push('a', 'a2');
    expect(rr.shiftFrom('b')).toBe('b1');
    expect(rr.take(5)).toEqual([
      ['a', 'a1'],
      ['a', 'a2'],
    ]);
    expect(rr.shiftFrom('zzz')).toBeUndefined();
  });
});

describe('LockStepGate', () => {
  function gate(ids: string[]) {
    const released: string[] = [];
    const drained: string[] = [];
    const g = new LockStepGate<string>(ids, { release: (id, item) => released.push(`${id}:${item}`), drained: (id) => drained.push(id) });
    return { g, released, drained };
  }

  it('releases token i of every member together, whatever their speed', () => {
    const { g, released } = gate(['A', 'B', 'C']);
    g.push('A', '0');
    g.push('A', '1');
    g.push('A', '2');
    g.push('B', '0');
    expect(released).toEqual([]);
    g.push('C', '0');
    expect(released).toEqual(['A:0', 'B:0', 'C:0']);
    g.push('B', '1');
    g.push('C', '1');
    expect(released).toEqual(['A:0', 'B:0', 'C:0', 'A:1', 'B:1', 'C:1']);
    expect(g.releasedRounds).toBe(2);
    expect(g.heldFor('A')).toBe(1);
  });

  it('a member that ends leaves the round once its text is out, and the others go on', () => {
    const { g, released, drained } = gate(['A', 'B']);
    g.push('A', '0');
    g.push('B', '0');
    g.end('A');
    expect(drained).toEqual(['A']);
    g.push('B', '1');
    g.push('B', '2');
    expect(released).toEqual(['A:0', 'B:0', 'B:1', 'B:2']);
    g.end('B');
    expect(drained).toEqual(['A', 'B']);
  });

  it('a member ahead that ends keeps its remaining text in step with the slower one', () => {
    const { g, released, drained } = gate(['A', 'B']);
    for (const t of ['0', '1', '2']) g.push('A', t);
    g.end('A');
    expect(drained).toEqual([]);
    g.push('B', '0');
    expect(released).toEqual(['A:0', 'B:0']);
    g.push('B', '1');
    g.push('B', '2');
    expect(drained).toEqual(['A']);
    expect(released).toEqual(['A:0', 'B:0', 'A:1', 'B:1', 'A:2', 'B:2']);
  });

  it('ignores pushes after an end and unknown streams', () => {
    const { g, released } = gate(['A']);
    g.end('A');
    g.push('A', 'x');
    g.push('Z', 'y');
    expect(released).toEqual([]);
  });
});
