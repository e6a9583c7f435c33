/** Where a lane sits on the canvas and what colour it glows: pure layout, shared by both renderers. */

/** The vertical centre (clip space, +1 top) of lane `index` out of `count` bands. */
export function laneCenterY(index: number, count: number): number {
  const bands = Math.max(1, count);
  return 1 - ((index + 0.5) * 2) / bands;
}

/** Half the height of a band, in clip space. */
export function laneHalfHeight(count: number): number {
  return 1 / Math.max(1, count);
}

/** Tokens across the canvas before a lane's light wraps back to the left edge. */
export const TOKENS_ACROSS = 160;

/** Horizontal place (clip space) of the token at `position` in its stream. */
export function tokenX(position: number): number {
  return -0.96 + (1.92 * (position % TOKENS_ACROSS)) / TOKENS_ACROSS;
}

/** Lane colours spread by the golden angle, so neighbours never look alike; [r, g, b] in 0..1. */
export function laneColor(index: number): [number, number, number] {
  const hue = (200 + index * 137.508) % 360;
  return hslToRgb(hue, 0.85, 0.6);
}

export function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number): number => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): number => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [f(0), f(8), f(4)];
}

/**
 * Where lane `index` of `count` lies on a surface `height` device pixels high, top row and rows: the
 * band `laneCenterY` ± `laneHalfHeight` draws in, in whole pixels, so the bands tile the surface.
 */
export function laneBand(index: number, count: number, height: number): { y: number; height: number } {
  const bands = Math.max(1, count);
  const y = Math.round((index * height) / bands);
  return { y, height: Math.round(((index + 1) * height) / bands) - y };
}

/** The canvas's geometry as plain data: its drawing surface in device pixels and each lane's band on it. */
export interface CanvasGeometry {
  width: number;
  height: number;
  lanes: { id: string; label: string; color: string; y: number; height: number }[];
}

/** The geometry of a surface of `cssWidth` × `cssHeight` CSS pixels drawn at `dpr`, with `lanes` in band order. */
export function canvasGeometry(cssWidth: number, cssHeight: number, dpr: number, lanes: readonly { id: string; label: string; color: string }[]): CanvasGeometry {
  const width = Math.round(cssWidth * dpr);
  const height = Math.round(cssHeight * dpr);
  return { width, height, lanes: lanes.map((lane, index) => ({ id: lane.id, label: lane.label, color: lane.color, ...laneBand(index, lanes.length, height) })) };
}
