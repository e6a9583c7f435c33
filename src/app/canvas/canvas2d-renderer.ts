/**
 * The fallback where WebGL cannot start: the same particles, moved on the CPU and drawn as squares on
 * a 2D canvas. It only ever runs the Lite pool, so its per-frame loop stays short.
 */
import { COLOR_STRIDE, LIFE_STRIDE, MOTION_STRIDE, type ParticlePool } from './particle-pool.ts';
import type { ParticleRenderer } from './renderer.ts';

export class Canvas2dRenderer implements ParticleRenderer {
  readonly kind = '2d' as const;
  private readonly ctx: CanvasRenderingContext2D;
  private pool: ParticlePool | null = null;
  private width = 1;
  private height = 1;
  private dpr = 1;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('neither WebGL nor a 2D canvas is available');
    this.ctx = ctx;
  }

  setPool(pool: ParticlePool): void {
    this.pool = pool;
  }

  resize(width: number, height: number, dpr: number): void {
    this.width = width;
    this.height = height;
    this.dpr = dpr;
    this.canvas.width = Math.max(1, Math.round(width * dpr));
    this.canvas.height = Math.max(1, Math.round(height * dpr));
  }

  draw(timeS: number, pointScale: number): void {
    const pool = this.pool;
    if (!pool) return;
    const { ctx } = this;
    const w = this.width * this.dpr;
    const h = this.height * this.dpr;
    ctx.clearRect(0, 0, w, h);
    ctx.globalCompositeOperation = 'lighter';
    const { motion, life, color } = pool;
    for (let i = 0; i < pool.capacity; i++) {
      const l = i * LIFE_STRIDE;
      const age = timeS - life[l]!;
      const t = age / Math.max(life[l + 1]!, 0.001);
      if (age < 0 || t > 1) continue;
      const m = i * MOTION_STRIDE;
      const c = i * COLOR_STRIDE;
      const x = ((motion[m]! + motion[m + 2]! * age + 1) / 2) * w;
      const y = ((1 - (motion[m + 1]! + motion[m + 3]! * age)) / 2) * h;
      const size = life[l + 2]! * pointScale * this.dpr;
      const fade = (1 - t) * (1 - t) * color[c + 3]!;
      ctx.globalAlpha = Math.min(1, fade);
      ctx.fillStyle = `rgb(${(color[c]! * 255) | 0},${(color[c + 1]! * 255) | 0},${(color[c + 2]! * 255) | 0})`;
      ctx.fillRect(x - size / 2, y - size / 2, size, size);
    }
    ctx.globalAlpha = 1;
    ctx.globalCompositeOperation = 'source-over';
  }

  clear(): void {
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  dispose(): void {
    this.pool = null;
  }
}
