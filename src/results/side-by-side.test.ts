import { describe, expect, it } from 'vitest';
import { sideBySide } from './side-by-side.ts';
import { resultRunOf } from './result-document.ts';
import { sampleRun } from './fixtures.ts';

const run = (modelId: string, decodeTps: number, ttftMs: number) => resultRunOf({ ...sampleRun, modelId, decodeTps, ttftMs });

describe('sideBySide', () => {
  it('medians per model on each side, and here ÷ shared', () => {
    const rows = sideBySide([run('a', 100, 10), run('a', 300, 30), run('a', 200, 20), run('b', 50, 5)], [run('a', 100, 40), run('c', 1, 1)]);
    expect(rows).toEqual([
      { modelId: 'a', shared: { runs: 3, decodeTps: 200, ttftMs: 20 }, here: { runs: 1, decodeTps: 100, ttftMs: 40 }, decodeRatio: 0.5 },
      { modelId: 'b', shared: { runs: 1, decodeTps: 50, ttftMs: 5 }, here: null, decodeRatio: null },
    ]);
  });
});
