import { describe, expect, it } from 'vitest';
import { answerBytes, answerText, isCacheableFinish, parseCachedAnswer, timingShape, type CachedAnswer } from './cached-answer.ts';
import type { FinishReason } from '../workers/engine.ts';

const ANSWER: CachedAnswer = {
  key: 'a'.repeat(64),
  pieces: ['b', 'c', 'd'],
  outputTokens: 3,
  promptTokens: 1,
  finishReason: 'length',
  offsetsMs: [0, 5, 9],
  modelId: 'wf-tiny',
  storedAt: 1000,
};

describe('cached answers', () => {
  it.each<[FinishReason, boolean]>([
    ['eos', true],
    ['length', true],
    ['stop', true],
    ['aborted', false],
    ['context', false],
  ])('finish %s cacheable: %s', (reason, cacheable) => {
    expect(isCacheableFinish(reason)).toBe(cacheable);
  });

  it.each<[number[], number[]]>([
    [[], []],
    [[100], [0]],
    [[100, 110, 125], [0, 10, 25]],
    [[100, 90, 130], [0, 0, 30]],
  ])('timing shape of %j is %j', (times, shape) => {
    expect(timingShape(times)).toEqual(shape);
  });

  it('joins the pieces and counts more bytes for more text', () => {
    expect(answerText(ANSWER)).toBe('bcd');
    expect(answerBytes({ ...ANSWER, pieces: ['bb', 'c', 'd'] })).toBe(answerBytes(ANSWER) + 2);
  });

  it.each<[string, unknown]>([
    ['not an object', 'x'],
    ['a short key', { ...ANSWER, key: 'abc' }],
    ['a piece that is not text', { ...ANSWER, pieces: ['b', 3, 'd'] }],
    ['offsets not matching the pieces', { ...ANSWER, offsetsMs: [0, 5] }],
    ['a negative offset', { ...ANSWER, offsetsMs: [0, -5, 9] }],
    ['a finish that is not an answer', { ...ANSWER, finishReason: 'aborted' }],
    ['markup in the model id is fine, a number is not', { ...ANSWER, modelId: 5 }],
    ['infinite tokens', { ...ANSWER, outputTokens: Number.POSITIVE_INFINITY }],
  ])('rejects %s', (_name, value) => {
    expect(parseCachedAnswer(value)).toBeNull();
  });

  it('accepts a well-formed answer, copying only its fields', () => {
    expect(parseCachedAnswer({ ...ANSWER, extra: '<script>' })).toEqual(ANSWER);
  });
});
