import { describe, expect, it } from 'vitest';
import { planTextUpdate, tailOf } from './text-pane-plan.ts';

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
