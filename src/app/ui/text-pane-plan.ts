/**
 * How a text pane brings its DOM up to date with the latest text: append what is new, or start over
 * when the text is not a continuation of what is shown (a new run). Pure, so the cases are tested
 * without a DOM; checking only a short tail keeps the check O(1) however long the output grows.
 */

/** Characters of the shown text remembered to recognise a continuation. */
export const TAIL_CHARS = 32;

export type TextUpdate = { kind: 'none' } | { kind: 'append'; text: string } | { kind: 'reset'; text: string };

export function planTextUpdate(shownLength: number, shownTail: string, next: string): TextUpdate {
  const continues = next.length >= shownLength && next.slice(shownLength - shownTail.length, shownLength) === shownTail;
  if (continues) return next.length === shownLength ? { kind: 'none' } : { kind: 'append', text: next.slice(shownLength) };
  return { kind: 'reset', text: next };
}

export function tailOf(text: string): string {
  return text.slice(-TAIL_CHARS);
}

/**
 * The pane's text lives in blocks, because a browser lays out a paragraph as a whole: appending to
 * one that has grown to tens of kilobytes costs milliseconds a frame (measured in Chromium: 0.7 ms at
 * 16 KB, 2–3 ms at 32–64 KB, per pane), against a flat ~0.1 ms for the last of several small blocks.
 * A block ends after a line break once it holds `softChars` (invisible: the text breaks there anyway),
 * or, for text without line breaks, after a space once it holds `hardChars` (one line ends a little
 * early, once per several kilobytes).
 */
export interface BlockLimits {
  softChars: number;
  hardChars: number;
}

export const BLOCK_LIMITS: BlockLimits = { softChars: 2048, hardChars: 4096 };

/**
 * Splits `text`, appended to a block already holding `blockChars`, into the pieces that go to that
 * block and to each new block after it (the first piece may be empty).
 */
export function splitIntoBlocks(blockChars: number, text: string, limits: BlockLimits = BLOCK_LIMITS): string[] {
  const pieces: string[] = [];
  let held = blockChars;
  let rest = text;
  for (;;) {
    const cut = blockEnd(held, rest, limits);
    if (cut === null) break;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
    held = 0;
  }
  pieces.push(rest);
  return pieces;
}

/** Where in `text` the current block (holding `held`) ends, just after a break; null: not in `text`. */
function blockEnd(held: number, text: string, limits: BlockLimits): number | null {
  const newline = text.indexOf('\n', Math.max(0, limits.softChars - held));
  const space = text.indexOf(' ', Math.max(0, limits.hardChars - held));
  // A line break before the space wins; past the soft limit any line break ends the block.
  const ends = [newline, space].filter((i) => i >= 0);
  if (ends.length === 0) return null;
  return Math.min(...ends) + 1;
}
