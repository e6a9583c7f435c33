import { describe, expect, it } from 'vitest';
import { fitToContext } from './context-window.ts';

describe('fitToContext', () => {
  it.each([
    ['fits', 10, 64, 256, { ok: true, maxNewTokens: 64, limitedByContext: false }],
    ['exactly fills', 192, 64, 256, { ok: true, maxNewTokens: 64, limitedByContext: false }],
    ['cut to the room left', 200, 64, 256, { ok: true, maxNewTokens: 56, limitedByContext: true }],
    ['one token of room', 255, 64, 256, { ok: true, maxNewTokens: 1, limitedByContext: true }],
    ['unknown context', 5000, 64, undefined, { ok: true, maxNewTokens: 64, limitedByContext: false }],
  ] as const)('%s', (_, prompt, max, context, expected) => {
    expect(fitToContext('m', prompt, max, context)).toEqual(expected);
  });

  it('refuses a prompt that fills the context, with the numbers', () => {
    const fit = fitToContext('wf-stories15m', 760, 64, 256);
    expect(fit.ok).toBe(false);
    expect(!fit.ok && fit.message).toMatch(/760 tokens.*wf-stories15m reads at most 256/);
  });
});
