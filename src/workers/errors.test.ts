import { describe, expect, it } from 'vitest';
import { EngineError, toEngineError } from './errors.ts';

describe('toEngineError', () => {
  it('keeps the code across a boundary that only carries name and message', () => {
    const original = new EngineError('model-corrupt', 'damaged');
    const crossed = Object.assign(new Error(original.message), { name: original.name });
    const back = toEngineError(crossed);
    expect(back.code).toBe('model-corrupt');
    expect(back.message).toBe('damaged');
  });

  it('wraps plain errors, strings and anything else', () => {
    expect(toEngineError(new TypeError('boom')).code).toBe('generation-failed');
    expect(toEngineError('TypeError: Failed to fetch').message).toBe('TypeError: Failed to fetch');
    expect(toEngineError({ a: 1 }).message).toBe('{"a":1}');
  });

  it('does not trust an unknown code in the name', () => {
    expect(toEngineError(Object.assign(new Error('x'), { name: 'EngineError:made-up' })).code).toBe('generation-failed');
  });
});
