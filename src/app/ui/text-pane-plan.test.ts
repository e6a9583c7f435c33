import { describe, expect, it } from 'vitest';
import { planTextUpdate, splitIntoBlocks, tailOf } from './text-pane-plan.ts';

describe('planTextUpdate', () => {
  it.each([
    ['nothing shown, nothing new', '', '', { kind: 'none' }],
    ['first text', '', 'abc', { kind: 'append', text: 'abc' }],
    ['more of the same text', 'abc', 'abcdef', { kind: 'append', text: 'def' }],
    ['unchanged', 'abcdef', 'abcdef', { kind: 'none' }],
    ['a new run starts empty', 'abcdef', '', { kind: 'reset', text: '' }],
    ['a new run, longer than the old text', 'abc', 'xyz and more', { kind: 'reset', text: 'xyz and more' }],
    ['same length, different text', 'abc', 'abd', { kind: 'reset', text: 'abd' }],
  ] as const)('%s', (_name, shown, next, expected) => {
    expect(planTextUpdate(shown.length, tailOf(shown), next)).toEqual(expected);
  });

  it('recognises a continuation of a very long text from its tail alone', () => {
    const shown = 'x'.repeat(100_000) + 'the end';
    expect(planTextUpdate(shown.length, tailOf(shown), shown + ' and more')).toEqual({ kind: 'append', text: ' and more' });
  });
});

describe('splitIntoBlocks', () => {
  const limits = { softChars: 10, hardChars: 20 };
  it.each([
    { name: 'short text stays in its block', held: 0, text: 'abc def\n', expected: ['abc def\n'] },
    { name: 'a line break before the soft limit does not end the block', held: 2, text: 'ab\ncd', expected: ['ab\ncd'] },
    { name: 'past the soft limit, the block ends after the next line break', held: 8, text: 'abc\ndef', expected: ['abc\n', 'def'] },
    { name: 'a line break at the very end: the next text starts a new block', held: 12, text: 'xy\n', expected: ['xy\n', ''] },
    { name: 'without line breaks, a space past the hard limit ends it', held: 18, text: 'abc def', expected: ['abc ', 'def'] },
    { name: 'a space before the hard limit does not', held: 12, text: 'a b', expected: ['a b'] },
    { name: 'no break at all: one growing block', held: 30, text: 'abcdef', expected: ['abcdef'] },
    { name: 'a long text becomes several blocks', held: 0, text: `${'x'.repeat(12)}\n${'y'.repeat(12)}\nz`, expected: [`${'x'.repeat(12)}\n`, `${'y'.repeat(12)}\n`, 'z'] },
  ])('$name', ({ held, text, expected }) => {
    const pieces = splitIntoBlocks(held, text, limits);
    expect(pieces).toEqual(expected);
    expect(pieces.join('')).toBe(text);
  });
});
