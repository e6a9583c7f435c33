/**
 * Server-sent events, parsed incrementally as the bytes of a streamed chat completion arrive.
 *
 * Why our own: the page's `EventSource` cannot POST, and inference servers cut their streams into
 * network chunks anywhere — mid-line, mid-event, several events in one chunk. The parser follows the
 * SSE rules (lines end in CRLF, LF or CR; a blank line dispatches; `:` starts a comment; `data` lines
 * join with LF; one space after the colon is dropped) and knows nothing about JSON. `parseStreamData`
 * then reads one event's data as an OpenAI-style chunk, the `[DONE]` marker, or malformed data.
 * Pure: no I/O, no clock.
 */
import { parseJsonData, type StreamData, type StreamDecoder } from './remote-stream-data.ts';

export interface SseEvent {
  /** `message` unless the server named the event. */
  event: string;
  data: string;
  id: string | null;
}

export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private eventName = '';
  private id: string | null = null;
  /** A CR ended the last chunk: an LF at the start of the next one belongs to it. */
  private pendingCr = false;

  /** Feeds one decoded chunk; answers the events it completed. */
  feed(chunk: string): SseEvent[] {
    let text = chunk;
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;
    const events: SseEvent[] = [];
    for (;;) {
      const match = /\r\n|\n|\r/.exec(this.buffer);
      if (!match) break;
      // A lone CR at the very end may be the first half of CRLF: wait for the next chunk.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) {
        this.pendingCr = true;
        const line = this.buffer.slice(0, match.index);
        this.buffer = '';
        this.line(line, events);
        break;
      }
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      this.line(line, events);
    }
    return events;
  }

  /**
   * The stream ended. Answers whether an event was left unfinished (data without its blank line, or
   * a line without its end): by the SSE rules it is dropped; a caller may count it as a cut stream.
   */
  end(): { unfinished: boolean } {
    const unfinished = this.buffer.length > 0 || this.data.length > 0;
    this.buffer = '';
    this.data = [];
    this.eventName = '';
    return { unfinished };
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === '') {
      if (this.data.length > 0) events.push({ event: this.eventName || 'message', data: this.data.join('\n'), id: this.id });
      this.data = [];
      this.eventName = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.eventName = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      default:
        // `retry` and unknown fields: nothing for us (the SSE rules ignore unknown fields).
        break;
    }
  }
}

/** One event's data: the `[DONE]` marker, or what `parseJsonData` reads in it. */
export function parseStreamData(data: string): StreamData {
  return data.trim() === '[DONE]' ? { kind: 'done' } : parseJsonData(data);
}

/** Server-sent events as data units: each event's data, parsed. */
export class SseDecoder implements StreamDecoder {
  private readonly parser = new SseParser();

  feed(chunk: string): StreamData[] {
    return this.parser.feed(chunk).map((event) => parseStreamData(event.data));
  }

  /** An event left without its blank line is dropped, by the SSE rules. */
  end(): StreamData[] {
    this.parser.end();
    return [];
  }
}
