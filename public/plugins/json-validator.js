/* @wirthforge-plugin {
  "id": "json-validator",
  "name": "JSON validator",
  "version": "1.0.0",
  "kind": "validator",
  "weight": "light",
  "description": "When an answer ends: does it parse as JSON, and if not, where it breaks.",
  "events": [{ "type": "token" }, { "type": "turn-start" }, { "type": "turn-end" }],
  "permissions": { "annotate": true, "draw": false, "storeBytes": 0 },
  "config": { "maxChars": 200000 }
} */
// Built-in plugin: an answer's JSON is judged once it ends (a half-written answer never parses). The
// JSON is the whole answer, or a ```json fenced block in it, or what runs from its first { or [.

/** The part of an answer that should be JSON, or null when there is none. */
export function extractJson(text) {
  const fenced = /```(?:json)?\s*\n([\s\S]*?)```/.exec(text);
  if (fenced) return { json: fenced[1], offset: fenced.index + fenced[0].indexOf(fenced[1]) };
  const start = text.search(/[[{]/);
  if (start < 0) return null;
  return { json: text.slice(start).trimEnd(), offset: start };
}

/** Line and column (from 1) of a character offset. */
export function lineColumn(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Whether the answer's JSON parses; where it breaks when it does not. */
export function validateJson(text) {
  const found = extractJson(text);
  if (!found) return { verdict: 'warn', badge: 'no JSON in the answer' };
  try {
    JSON.parse(found.json);
    return { verdict: 'ok', badge: `valid JSON (${found.json.length} characters)` };
  } catch (error) {
    const message = String(error && error.message);
    const m = /position (\d+)/.exec(message);
    const at = m ? found.offset + Number(m[1]) : found.offset + found.json.length;
    const { line, column } = lineColumn(text, at);
    const near = JSON.stringify(text.slice(Math.max(0, at - 10), at + 10));
    return { verdict: 'fail', badge: `JSON breaks at line ${line}, column ${column} near ${near}`, at };
  }
}

const texts = new Map();

export default {
  events(events, api) {
    for (const e of events) {
      if (e.type === 'turn-start') texts.set(e.streamId, '');
      else if (e.type === 'token') texts.set(e.streamId, ((texts.get(e.streamId) ?? '') + e.text).slice(0, api.config.maxChars));
      else if (e.type === 'turn-end') {
        const { verdict, badge } = validateJson(texts.get(e.streamId) ?? '');
        api.annotate({ target: e.lane, verdict, badge });
        texts.delete(e.streamId);
      }
    }
  },
};
