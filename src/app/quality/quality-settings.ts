/** What each visual quality level costs and draws: data, read by the canvas. */
import type { VisualQuality } from './quality-rule.ts';

export interface QualitySettings {
  /** Particles alive at most (the pool's size). */
  particles: number;
  /** Particles born per token (more: a denser trail). */
  perToken: number;
  /** The canvas draws at most this often; the text panes still update every frame. */
  maxFps: number;
  /** Point size multiplier. */
  pointScale: number;
  /** Device pixels per CSS pixel, at most. */
  maxDpr: number;
}

export const QUALITY_SETTINGS: Readonly<Record<VisualQuality, QualitySettings>> = {
  lite: { particles: 512, perToken: 1, maxFps: 30, pointScale: 1, maxDpr: 1 },
  balanced: { particles: 4096, perToken: 3, maxFps: 60, pointScale: 1.3, maxDpr: 1.5 },
  ultra: { particles: 16384, perToken: 8, maxFps: 120, pointScale: 1.6, maxDpr: 2 },
};
