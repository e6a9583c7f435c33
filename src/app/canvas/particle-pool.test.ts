import { describe, expect, it } from 'vitest';
import { ParticlePool, PARTICLE_RESONANCE } from './particle-pool.ts';

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
});
