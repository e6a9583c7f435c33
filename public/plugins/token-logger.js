/* @wirthforge-plugin {
  "id": "token-logger",
  "name": "Token logger",
  "version": "1.0.0",
  "kind": "logger",
  "weight": "light",
  "description": "Keeps every token of the session with its time and stream, and council members' state changes; export them as JSON.",
  "events": [{ "type": "token" }, { "type": "turn-start" }, { "type": "turn-end" }, { "type": "member-state" }],
  "permissions": { "annotate": true, "draw": false, "storeBytes": 4096 },
  "config": { "maxEntries": 200000 }
} */
// Built-in plugin: what arrived, when, on which stream. Memory is bounded by maxEntries (oldest go
// first); the store keeps only the running total across sessions.

/** Appends one batch's events to the log (pure but for the array it is given). */
export function logEvents(log, events, maxEntries) {
  for (const e of events) {
    if (e.type === 'token') log.push({ at: Math.round(e.at * 1000) / 1000, kind: 'token', lane: e.lane, stream: e.streamId, position: e.position, tokens: e.tokens, text: e.text });
    else if (e.type === 'turn-start' || e.type === 'turn-end') log.push({ at: Math.round(e.at * 1000) / 1000, kind: e.type, lane: e.lane, stream: e.streamId });
    else if (e.type === 'member-state') log.push({ at: Math.round(e.at * 1000) / 1000, kind: e.type, lane: e.lane, state: e.state, ...(e.error ? { error: { code: String(e.error.code), message: String(e.error.message) } } : {}) });
  }
  if (log.length > maxEntries) log.splice(0, log.length - maxEntries);
  return log;
}

const log = [];
const perLane = new Map();

export default {
  events(events, api) {
    logEvents(log, events, api.config.maxEntries);
    let ended = false;
    for (const e of events) {
      if (e.type === 'token') perLane.set(e.lane, (perLane.get(e.lane) ?? 0) + e.tokens);
      if (e.type === 'turn-end') ended = true;
    }
    for (const [lane, n] of perLane) api.annotate({ target: lane, score: n, badge: `${n} tokens logged` });
    if (ended) {
      const total = Number(api.store.get('total') ?? 0) + [...perLane.values()].reduce((a, b) => a + b, 0);
      api.store.set('total', String(total));
      perLane.clear();
    }
  },
  export() {
    return JSON.stringify({ plugin: 'token-logger', exportedAt: new Date().toISOString(), entries: log });
  },
};
