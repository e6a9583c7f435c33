/**
 * Turns a stream of token ids into text pieces as soon as they are printable.
 *
 * Decoding tokens one by one breaks on byte-level vocabularies (a UTF-8 character split over tokens
 * decodes to U+FFFD) and on SentencePiece (a lone token loses its leading space), so we decode the
 * pending window with the text already emitted from it and emit only the new suffix. The window is
 * cut back to a few tokens of context once it grows (and dropped after a newline), so each step's
 * work stays bounded on long outputs instead of growing with them.
 */
export type DecodeIds = (ids: readonly number[]) => string;

const REPLACEMENT_CHARACTER = '\uFFFD';
const WINDOW_LIMIT = 16;
const CONTEXT_TOKENS = 4;

export class IncrementalDecoder {
  private window: number[] = [];
  private emittedFromWindow = 0;

  constructor(private readonly decode: DecodeIds) {}

  /** Returns the newly printable text after this token ('' while a character is still incomplete). */
  push(id: number): string {
    this.window.push(id);
    const text = this.decode(this.window);
    if (text.endsWith(REPLACEMENT_CHARACTER)) return '';
    const piece = text.slice(this.emittedFromWindow);
    if (text.endsWith('\n')) {
      this.window = [];
      this.emittedFromWindow = 0;
    } else if (this.window.length > WINDOW_LIMIT) {
      this.window = this.window.slice(-CONTEXT_TOKENS);
      this.emittedFromWindow = this.decode(this.window).length;
    } else {
      this.emittedFromWindow = text.length;
    }
    return piece;
  }

  /** Whatever is still held back at the end of generation (an incomplete character stays as U+FFFD). */
  flush(): string {
    if (this.window.length === 0) return '';
    const piece = this.decode(this.window).slice(this.emittedFromWindow);
    this.window = [];
    this.emittedFromWindow = 0;
    return piece;
  }
}
