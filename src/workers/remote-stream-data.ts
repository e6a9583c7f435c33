/**
 * One unit of a streamed chat answer, as text, read into what it means: a JSON object for the dialect
 * reader, the server's own error object with its words, or malformed data. Shared by both framings a
 * server may stream in — server-sent events (`remote-sse.ts`) and Ollama's newline-delimited JSON
 * (`remote-ndjson.ts`) — so both report the same typed failures. Pure.
 */

export type StreamData =
  | { kind: 'done' }
  | { kind: 'json'; value: Record<string, unknown> }
  | { kind: 'error'; message: string }
  | { kind: 'malformed'; detail: string };

const MAX_SHOWN = 80;

/** A JSON object, the server's `{"error": …}` (a string, or an object with a message), or malformed. */
export function parseJsonData(text: string): StreamData {
  const trimmed = text.trim();
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return { kind: 'malformed', detail: `not JSON: ${shorten(trimmed)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'malformed', detail: `not an object: ${shorten(trimmed)}` };
  const record = value as Record<string, unknown>;
  const error = record['error'];
  if (error !== undefined && error !== null) {
    const message = typeof error === 'string' ? error : typeof (error as { message?: unknown }).message === 'string' ? (error as { message: string }).message : shorten(JSON.stringify(error));
    return { kind: 'error', message };
  }
  return { kind: 'json', value: record };
}

/** What turns a streamed body's decoded chunks into data units, whatever its framing. */
export interface StreamDecoder {
  /** Feeds one decoded chunk; answers the units it completed. */
  feed(chunk: string): StreamData[];
  /** The body ended: answers a last unit still whole without its line end (a cut fragment is dropped). */
  end(): StreamData[];
}

function shorten(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}
