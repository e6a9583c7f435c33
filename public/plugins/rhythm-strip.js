/* @wirthforge-plugin {
  "id": "rhythm-strip",
  "name": "Rhythm strip",
  "version": "1.1.0",
  "kind": "visualizer",
  "weight": "medium",
  "description": "Draws each member's token rhythm inside that member's lane of the living canvas: one column per 50 ms, taller for more tokens.",
  "events": [{ "type": "token" }],
  "permissions": { "annotate": false, "draw": true, "storeBytes": 0 },
  "config": { "columnMs": 50 }
} */
// Built-in plugin: a scrolling strip per member, in the member's own lane. Tokens are counted into
// 50 ms columns; each batch clears the layer and redraws it from those counts, at the layer's real
// size: the canvas's device pixels, its lanes where the canvas has them.

/** Device pixels per column. */
export const COLUMN_PX = 3;
/** Tokens in one column that fill its lane's height. */
const FULL_COLUMN_TOKENS = 8;

/** Adds a token event's count to its lane's column for the time it arrived. */
export function countInto(columns, lane, at, tokens, columnMs) {
  const col = Math.floor(at / columnMs);
  let laneCols = columns.get(lane);
  if (!laneCols) columns.set(lane, (laneCols = new Map()));
  laneCols.set(col, (laneCols.get(col) ?? 0) + tokens);
}

/**
 * Where each lane's strip goes: the canvas's band for it (`layer.lanes`); with no canvas (no lanes
 * given) equal rows for the lanes seen, at most 8. A lane the canvas does not show is not drawn.
 */
export function stripRows(layerLanes, seen, height) {
  if (layerLanes.length > 0) return layerLanes.map((l) => ({ lane: l.id, y: l.y, height: l.height, color: l.color }));
  const ids = seen.slice(0, 8);
  const step = height / Math.max(1, ids.length);
  return ids.map((lane, i) => {
    const y = Math.round(i * step);
    return { lane, y, height: Math.round((i + 1) * step) - y, color: `hsl(${(200 + i * 137.508) % 360} 85% 60%)` };
  });
}

const columnX = (col, last, width) => width - COLUMN_PX * (last - col + 1);

/** A column's bar in its row: at the right edge for the latest column, bottom-aligned, never outside the row; null once scrolled off. */
export function barRect(col, last, tokens, row, width) {
  const x = columnX(col, last, width);
  if (x < 0) return null;
  const h = Math.min(row.height, Math.max(2, Math.round((row.height * tokens) / FULL_COLUMN_TOKENS)));
  return { x, y: row.y + row.height - h, w: COLUMN_PX, h };
}

const columns = new Map();
let latest = 0;

export default {
  events(events, api) {
    const { columnMs } = api.config;
    for (const e of events) {
      if (e.type !== 'token') continue;
      countInto(columns, e.lane, e.at, e.tokens, columnMs);
      latest = Math.max(latest, e.at);
    }
    const layer = api.layer;
    if (!layer) return;
    const { context: g, width, height } = layer;
    const last = Math.floor(latest / columnMs);
    // Columns scrolled off the left are forgotten, for every lane (one that left the canvas too).
    for (const laneCols of columns.values()) for (const col of laneCols.keys()) if (columnX(col, last, width) < 0) laneCols.delete(col);
    g.clearRect(0, 0, width, height);
    for (const row of stripRows(layer.lanes, [...columns.keys()], height)) {
      const laneCols = columns.get(row.lane);
      if (!laneCols) continue;
      g.fillStyle = row.color;
      for (const [col, n] of laneCols) {
        const bar = barRect(col, last, n, row, width);
        if (bar) g.fillRect(bar.x, bar.y, bar.w, bar.h);
      }
    }
    layer.commit();
  },
};
