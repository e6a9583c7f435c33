import { describe, expect, it } from 'vitest';
import { StopScanner } from './stop-sequences.ts';

/** Feeds pieces, returns what was shown, whether it stopped, and after which piece. */
function run(stops: string[], pieces: string[]): { shown: string; stoppedAt: number | null } {
  const scanner = new StopScanner(stops);
  let shown = '';
  for (const [i, piece] of pieces.entries()) {
    const step = scanner.push(piece);
    shown += step.emit;
    if (step.stopped) return { shown, stoppedAt: i };
  }
  return { shown: shown + scanner.flush(), stoppedAt: null };
}

describe('StopScanner', () => {
  it.each([
    ['no stops: everything passes', [], ['ab', 'cd'], 'abcd', null],
    ['a stop inside one piece', ['END'], ['abcENDdef'], 'abc', 0],
    ['a stop split across pieces', ['END'], ['ab', 'cE', 'N', 'Dxy'], 'abc', 3],
    ['a false start is shown once settled', ['END'], ['aE', 'Nx', 'y'], 'aENxy', null],
    ['a held tail at the end is flushed', ['END'], ['abEN'], 'abEN', null],
    ['the earliest of several stops wins', ['cd', 'b'], ['abcd'], 'a', 0],
    ['a stop at the very start shows nothing', ['\n'], ['\nabc'], '', 0],
    ['a newline stop after text', ['\n\n'], ['one\n', '\ntwo'], 'one', 1],
    ['a stop made of a repeated letter', ['aab'], ['a', 'a', 'a', 'b'], 'a', 3],
  ] as const)('%s', (_, stops, pieces, shown, stoppedAt) => {
    expect(run([...stops], [...pieces])).toEqual({ shown, stoppedAt });
  });

  it('holds back only what could still become a stop', () => {
    const scanner = new StopScanner(['###']);
    expect(scanner.push('ab#')).toEqual({ emit: 'ab', stopped: false });
    expect(scanner.push('#c')).toEqual({ emit: '##c', stopped: false });
  });

  it('says nothing more once stopped', () => {
    const scanner = new StopScanner(['x']);
    expect(scanner.push('ax')).toEqual({ emit: 'a', stopped: true });
    expect(scanner.push('more')).toEqual({ emit: '', stopped: true });
    expect(scanner.flush()).toBe('');
    expect(scanner.stopped).toBe(true);
  });
});
