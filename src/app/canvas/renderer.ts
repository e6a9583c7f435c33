import type { ParticlePool } from './particle-pool.ts';

/** What draws the particle pool: WebGL (OGL) normally, a plain 2D canvas where WebGL cannot start. */
export interface ParticleRenderer {
  readonly kind: 'webgl' | '2d';
  setPool(pool: ParticlePool): void;
  resize(width: number, height: number, dpr: number): void;
  /** Draws every live particle at time `timeS` (the pool's clock). */
  draw(timeS: number, pointScale: number): void;
  clear(): void;
  dispose(): void;
}
