/* @wirthforge-plugin {
  "id": "repetition-scorer",
  "name": "Repetition scorer",
  "version": "1.0.0",
  "kind": "scorer",
  "weight": "light",
  "description": "Flags loops and degenerate output per member: a repeating tail, or few distinct 4-grams.",
  "events": [{ "type": "token" }, { "type": "turn-start" }],
  "permissions": { "annotate": true, "draw": false, "storeBytes": 0 },
  "config": { "window": 2000 }
} */
// Built-in plugin: quality of each stream's text as it grows. Only the last `window` characters of a
// stream are kept and scored, so its cost per batch is bounded whatever the answer's length.

/** The shortest unit (1..100 characters) the text's tail repeats at least `times` times back to back, covering 40+ characters; null if none. */
export function findLoop(text, times = 4) {
  const n = text.length;
  for (let unit = 1; unit <= 100 && unit * times <= n; unit++) {
    const need = Math.max(times, Math.ceil(40 / unit));
    if (unit * need > n) continue;
    const tail = text.slice(n - unit);
    let ok = true;
    for (let k = 2; k <= need && ok; k++) ok = text.slice(n - k * unit, n - (k - 1) * unit) === tail;
    if (ok) return { unit: tail, repeats: need };
  }
  return null;
}

/** Distinct n-grams ÷ all n-grams of the text (1 = nothing repeats); 1 for text shorter than n. */
export function distinctRatio(text, n = 4) {
  if (text.length < n + 1) return 1;
  const seen = new Set();
  const total = text.length - n + 1;
  for (let i = 0; i < total; i++) seen.add(text.slice(i, i + n));
  return seen.size / total;
}

/** Score 0..1 (1 = healthy) and a verdict for a stream's text. */
export function scoreText(text) {
  const loop = findLoop(text);
  const ratio = distinctRatio(text);
  if (loop) return { score: 0, verdict: 'fail', badge: `loop: ${JSON.stringify(loop.unit.slice(0, 20))} × ${loop.repeats}+` };
  if (text.length >= 80 && ratio < 0.5) return { score: ratio, verdict: 'warn', badge: `repetitive: ${Math.round(ratio * 100)} % distinct 4-grams` };
  return { score: ratio, verdict: 'ok', badge: `${Math.round(ratio * 100)} % distinct 4-grams` };
}

const texts = new Map();

export default {
  events(events, api) {
    const touched = new Map();
    for (const e of events) {
      if (e.type === 'turn-start') texts.delete(e.streamId);
      if (e.type !== 'token') continue;
      const text = ((texts.get(e.streamId) ?? '') + e.text).slice(-api.config.window);
      texts.set(e.streamId, text);
      touched.set(e.streamId, e.lane);
    }
    for (const [stream, lane] of touched) api.annotate({ target: lane, ...scoreText(texts.get(stream)) });
    if (texts.size > 64) texts.delete(texts.keys().next().value);
  },
};
