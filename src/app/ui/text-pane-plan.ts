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
