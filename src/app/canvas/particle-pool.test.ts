import { describe, expect, it } from 'vitest';
import { ParticlePool, PARTICLE_RESONANCE, writtenRanges } from './particle-pool.ts';

describe('ParticlePool', () => {
  it('writes in place and wraps over the oldest slot, keeping its arrays', () => {
    const pool = new ParticlePool(3);
    const arrays = [pool.motion, pool.life, pool.color];
    for (let i = 0; i < 5; i++) pool.spawn(i, 0, 0, 0, i, 1, 2, 0, 1, 1, 1, 1);
    expect(arrays.every((a, k) => a === [pool.motion, pool.life, pool.color][k])).toBe(true);
    // Slots 0 and 1 were overwritten by particles 3 and 4.
    expect([0, 1, 2].map((i) => pool.read(i).x)).toEqual([3, 4, 2]);
    expect(pool.spawned).toBe(5);
  });

  it('tracks when the last particle fades and that an upload is due', () => {
    const pool = new ParticlePool(4);
    expect(pool.dirty).toBe(false);
    pool.spawn(0, 0, 0, 0, 10, 1.5, 2, PARTICLE_RESONANCE, 1, 1, 1, 1);
    pool.spawn(0, 0, 0, 0, 10.5, 0.5, 2, 0, 1, 1, 1, 1);
    expect(pool.dirty).toBe(true);
    expect(pool.liveUntilS).toBe(11.5);
    expect(pool.read(0).kind).toBe(PARTICLE_RESONANCE);
  });

  it('hands the renderer only the slots written since the last upload, wrapping the ring', () => {
    const pool = new ParticlePool(8);
    for (let i = 0; i < 3; i++) pool.spawn(i, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1);
    expect(pool.takeWrittenRanges()).toEqual([{ start: 0, end: 3 }]);
    expect(pool.dirty).toBe(false);
    expect(pool.takeWrittenRanges()).toEqual([]);
    for (let i = 0; i < 7; i++) pool.spawn(i, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1);
    expect(pool.takeWrittenRanges()).toEqual([
      { start: 3, end: 8 },
      { start: 0, end: 2 },
    ]);
  });
});

describe('writtenRanges', () => {
  it.each([
    { first: 0, count: 0, capacity: 8, ranges: [] },
    { first: 2, count: 3, capacity: 8, ranges: [{ start: 2, end: 5 }] },
    { first: 5, count: 3, capacity: 8, ranges: [{ start: 5, end: 8 }] },
    { first: 6, count: 4, capacity: 8, ranges: [{ start: 6, end: 8 }, { start: 0, end: 2 }] },
    { first: 3, count: 8, capacity: 8, ranges: [{ start: 0, end: 8 }] },
    { first: 3, count: 20, capacity: 8, ranges: [{ start: 0, end: 8 }] },
  ])('$count writes from slot $first of $capacity', ({ first, count, capacity, ranges }) => {
    expect(writtenRanges(first, count, capacity)).toEqual(ranges);
  });
});
