/**
 * The size of a plugin's layer and where the council's lanes lie on it: the living canvas's geometry
 * (its drawing surface in device pixels, one band per lane) made safe to allocate. Pure.
 *
 * The page allocates every layer it is sent (one bitmap per committed batch, two page canvases per
 * plugin), so its size is the page's choice, never the plugin's, and it is capped: at most
 * MAX_LAYER_WIDTH × MAX_LAYER_HEIGHT pixels (4 MiB of RGBA). The living canvas's surface is 96 CSS
 * pixels high at a device-pixel ratio of at most 2 (192 pixels), so the cap bites only on a surface
 * over 2048 device pixels wide (a 4K screen at Ultra): the layer then keeps the surface's shape at a
 * smaller scale, the page stretches it back evenly, and the lanes are given in the layer's pixels.
 */

export const MAX_LAYER_WIDTH = 2048;
export const MAX_LAYER_HEIGHT = 512;
/** More lanes than a council can have members; a band under a pixel high is no lane to draw in. */
export const MAX_LAYER_LANES = 16;
const MAX_LABEL_CHARS = 80;

/** A lane's band, in the layer's pixels: rows y to y + height - 1, the whole width. */
export interface LayerLane {
  /** The lane's id: `session` for the single model, else the council member's id (an event's `lane`). */
  id: string;
  label: string;
  /** Its place among the canvas's lanes, top first. */
  index: number;
  /** The colour the canvas draws it in, as CSS (`rgb(r, g, b)`): a visualizer can match it. */
  color: string;
  y: number;
  height: number;
}

export interface LayerGeometry {
  width: number;
  height: number;
  /** Layer pixels per device pixel of the canvas: 1 unless the cap scaled the layer down. */
  scale: number;
  lanes: LayerLane[];
}

/** Used where there is no canvas (`canvas=off`): the layer shows in the Plugins panel only, with no lanes. */
export const DEFAULT_LAYER: LayerGeometry = { width: 480, height: 96, scale: 1, lanes: [] };

/** The canvas's geometry as the page measured it, before it is made safe. */
export interface CanvasGeometryInput {
  width: number;
  height: number;
  lanes: readonly { id: string; label: string; color: string; y: number; height: number }[];
}

const CSS_RGB = /^rgb\(\d{1,3}, \d{1,3}, \d{1,3}\)$/;
const finitePositive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/**
 * The layer for a canvas of `input` device pixels: null when the size is not a usable positive number
 * (a hidden canvas measures 0; the caller keeps the layer it had). Lanes with a non-finite or empty
 * band, outside the surface, or past the first MAX_LAYER_LANES are left out; the rest are clipped to it.
 */
export function fitLayerGeometry(input: CanvasGeometryInput): LayerGeometry | null {
  if (!finitePositive(input.width) || !finitePositive(input.height)) return null;
  const scale = Math.min(1, MAX_LAYER_WIDTH / input.width, MAX_LAYER_HEIGHT / input.height);
  const width = Math.max(1, Math.round(input.width * scale));
  const height = Math.max(1, Math.round(input.height * scale));
  const lanes: LayerLane[] = [];
  const given = Array.isArray(input.lanes) ? input.lanes.slice(0, MAX_LAYER_LANES) : [];
  given.forEach((lane, index) => {
    if (typeof lane?.id !== 'string' || !Number.isFinite(lane.y) || !Number.isFinite(lane.height)) return;
    const top = Math.max(0, Math.round(lane.y * scale));
    const bottom = Math.min(height, Math.round((lane.y + lane.height) * scale));
    if (bottom <= top) return;
    const color = typeof lane.color === 'string' && CSS_RGB.test(lane.color) ? lane.color : 'rgb(255, 255, 255)';
    lanes.push({ id: lane.id, label: String(lane.label).slice(0, MAX_LABEL_CHARS), index, color, y: top, height: bottom - top });
  });
  return { width, height, scale, lanes };
}

export function sameLayerGeometry(a: LayerGeometry, b: LayerGeometry): boolean {
  return (
    a.width === b.width &&
    a.height === b.height &&
    a.lanes.length === b.lanes.length &&
    a.lanes.every((l, i) => {
      const o = b.lanes[i]!;
      return l.id === o.id && l.label === o.label && l.index === o.index && l.color === o.color && l.y === o.y && l.height === o.height;
    })
  );
}
