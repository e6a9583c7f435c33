/**
 * Stop sequences applied to the decoded text as it streams, for engines whose library has none
 * (transformers.js) or whose own reports cannot say a stop sequence ended the output (llama.cpp's
 * OpenAI-shaped `finish_reason` is "stop" for both end of text and a stop word).
 *
 * A stop sequence may arrive split across tokens, so text that could be the start of one is held
 * back until the next piece settles it: the user never sees any part of the stop text, and text
 * that turns out not to be a stop is shown, late by a token at most a few.
 */
export interface StopStep {
  /** Text that is safe to show now (possibly empty). */
  emit: string;
  /** A stop sequence was reached: `emit` is the last text, everything after is dropped. */
  stopped: boolean;
}

export class StopScanner {
  private held = '';
  private done = false;
  private readonly longest: number;

  constructor(private readonly stops: readonly string[]) {
    this.longest = Math.max(0, ...stops.map((s) => s.length));
  }

  get stopped(): boolean {
    return this.done;
  }

  push(piece: string): StopStep {
    if (this.done) return { emit: '', stopped: true };
    const text = this.held + piece;
    let cut = -1;
    for (const stop of this.stops) {
      const at = text.indexOf(stop);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      this.done = true;
      this.held = '';
      return { emit: text.slice(0, cut), stopped: true };
    }
    const keep = this.partialTail(text);
    this.held = text.slice(text.length - keep);
    return { emit: text.slice(0, text.length - keep), stopped: false };
  }

  /** The text still held back when the output ends without reaching a stop sequence. */
  flush(): string {
    const rest = this.done ? '' : this.held;
    this.held = '';
    return rest;
  }

  /** Length of the longest end of `text` that is the beginning of some stop sequence. */
  private partialTail(text: string): number {
    for (let n = Math.min(this.longest - 1, text.length); n > 0; n--) {
      const tail = text.slice(text.length - n);
      if (this.stops.some((s) => s.startsWith(tail))) return n;
    }
    return 0;
  }
}
