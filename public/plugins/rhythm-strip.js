/* @wirthforge-plugin {
  "id": "rhythm-strip",
  "name": "Rhythm strip",
  "version": "1.0.0",
  "kind": "visualizer",
  "weight": "medium",
  "description": "Draws each member's token rhythm on its own layer: one row per lane, one column per 50 ms, taller for more tokens.",
  "events": [{ "type": "token" }],
  "permissions": { "annotate": false, "draw": true, "storeBytes": 0 },
  "config": { "columnMs": 50 }
} */
// Built-in plugin: a scrolling strip per lane. Tokens are counted into 50 ms columns; each batch
// redraws the strip from those counts (at most width × lanes small rectangles).

/** Adds a token event's count to its lane's column for the time it arrived. */
export function countInto(columns, lane, at, tokens, columnMs) {
  const col = Math.floor(at / columnMs);
  let laneCols = columns.get(lane);
  if (!laneCols) columns.set(lane, (laneCols = new Map()));
  laneCols.set(col, (laneCols.get(col) ?? 0) + tokens);
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
    const lanes = [...columns.keys()].slice(0, 8);
    const rowH = height / Math.max(1, lanes.length);
    const last = Math.floor(latest / columnMs);
    g.clearRect(0, 0, width, height);
    lanes.forEach((lane, row) => {
      const hue = (row * 137.5) % 360;
      g.fillStyle = `hsl(${hue} 80% 60%)`;
      const laneCols = columns.get(lane);
      for (const [col, n] of laneCols) {
        const x = width - 2 * (last - col) - 2;
        if (x < 0) {
          laneCols.delete(col);
          continue;
        }
        const h = Math.min(rowH - 1, 2 + n * 2);
        g.fillRect(x, row * rowH + (rowH - h), 2, h);
      }
    });
    layer.commit();
  },
};
