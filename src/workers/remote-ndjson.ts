/**
 * Newline-delimited JSON, parsed incrementally: Ollama's native `/api/chat` streams one JSON object per
 * line, and the network cuts those lines anywhere — mid-line, or several lines in one chunk. Lines end
 * in LF (a CR before it is dropped); blank lines are skipped; each line is read by `parseJsonData`, so
 * a line that is not a JSON object is `malformed` and Ollama's `{"error": "…"}` line is an `error`
 * with the server's words. Pure: no I/O, no clock.
 */
import { parseJsonData, type StreamData, type StreamDecoder } from './remote-stream-data.ts';

export class NdjsonParser implements StreamDecoder {
  private buffer = '';

  feed(chunk: string): StreamData[] {
    this.buffer += chunk;
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop()!;
    return lines.flatMap((line) => this.line(line));
  }

  /**
   * The stream ended. A last line without its LF is still a line if it is whole JSON; a fragment that
   * does not parse is where the connection was cut, not a malformed line, so it is dropped (the reader
   * then finds the answer incomplete).
   */
  end(): StreamData[] {
    const rest = this.buffer;
    this.buffer = '';
    const data = this.line(rest);
    return data.length === 1 && data[0]!.kind === 'malformed' ? [] : data;
  }

  private line(line: string): StreamData[] {
    return line.trim() === '' ? [] : [parseJsonData(line)];
  }
}
