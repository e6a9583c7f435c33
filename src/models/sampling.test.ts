import { describe, expect, it } from 'vitest';
import {
  GREEDY,
  MAX_SEED,
  describeSampling,
  escapeStop,
  ignoredSettings,
  inputOf,
  isDeterministic,
  settingsFromStored,
  unescapeStop,
  validateSampling,
  type SamplingField,
  type SamplingInput,
  type SamplingSettings,
} from './sampling.ts';

const GREEDY_INPUT: SamplingInput = inputOf(GREEDY);

describe('validateSampling', () => {
  const bad: [string, Partial<SamplingInput>, SamplingField][] = [
    ['empty temperature', { temperature: '' }, 'temperature'],
    ['negative temperature', { temperature: '-0.1' }, 'temperature'],
    ['temperature above 2', { temperature: '2.01' }, 'temperature'],
    ['temperature not a number', { temperature: 'warm' }, 'temperature'],
    ['fractional top-k', { topK: '2.5' }, 'topK'],
    ['negative top-k', { topK: '-1' }, 'topK'],
    ['top-p of 0', { topP: '0' }, 'topP'],
    ['top-p above 1', { topP: '1.5' }, 'topP'],
    ['negative min-p', { minP: '-0.1' }, 'minP'],
    ['min-p above 1', { minP: '1.1' }, 'minP'],
    ['repetition penalty below 1', { repetitionPenalty: '0.9' }, 'repetitionPenalty'],
    ['repetition penalty above 2', { repetitionPenalty: '2.5' }, 'repetitionPenalty'],
    ['fractional seed', { seed: '4.2' }, 'seed'],
    ['negative seed', { seed: '-1' }, 'seed'],
    ['seed past uint32 minus one', { seed: String(MAX_SEED + 1) }, 'seed'],
    ['five stop sequences', { stop: 'a\nb\nc\nd\ne' }, 'stop'],
    ['a stop sequence of 33 characters', { stop: 'x'.repeat(33) }, 'stop'],
  ];
  it.each(bad)('refuses %s, with a message on that field only', (_, change, field) => {
    const result = validateSampling({ ...GREEDY_INPUT, ...change });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors)).toEqual([field]);
    expect(result.errors[field]).toMatch(/\w/);
  });

  const good: [string, Partial<SamplingInput>, Partial<SamplingSettings>][] = [
    ['the greedy defaults', {}, GREEDY],
    ['temperature 0.7, top-p 0.9, seed 42', { temperature: '0.7', topP: '0.9', seed: '42' }, { temperature: 0.7, topP: 0.9, seed: 42 }],
    ['the range ends', { temperature: '2', topK: '0', topP: '1', minP: '1', repetitionPenalty: '2', seed: String(MAX_SEED) }, { temperature: 2, minP: 1, repetitionPenalty: 2, seed: MAX_SEED }],
    ['spaces around numbers', { temperature: ' 0.5 ', topK: ' 40' }, { temperature: 0.5, topK: 40 }],
    ['an empty seed as random', { seed: '  ' }, { seed: null }],
    ['stop lines with escapes, blank lines skipped, duplicates once', { stop: '\\n\\n\n\nEND\nEND\n\\t' }, { stop: ['\n\n', 'END', '\t'] }],
    ['four stop sequences of 32 characters', { stop: ['a', 'b', 'c', 'd'].map((c) => c.repeat(32)).join('\n') }, { stop: ['a', 'b', 'c', 'd'].map((c) => c.repeat(32)) }],
  ];
  it.each(good)('accepts %s', (_, change, expected) => {
    const result = validateSampling({ ...GREEDY_INPUT, ...change });
    expect(result).toEqual({ ok: true, settings: { ...GREEDY, ...expected } });
  });

  it('reports every bad field at once', () => {
    const result = validateSampling({ ...GREEDY_INPUT, temperature: '3', topP: '0', seed: 'x' });
    expect(result.ok ? [] : Object.keys(result.errors).sort()).toEqual(['seed', 'temperature', 'topP']);
  });
});

describe('stop escapes', () => {
  it.each([
    ['\n', '\\n'],
    ['a\tb', 'a\\tb'],
    ['back\\slash', 'back\\\\slash'],
    ['\\n literally', '\\\\n literally'],
  ])('%j round-trips through %j', (stop, typed) => {
    expect(escapeStop(stop)).toBe(typed);
    expect(unescapeStop(typed)).toBe(stop);
  });

  it('round-trips settings through the form', () => {
    const settings: SamplingSettings = { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repetitionPenalty: 1.1, seed: 7, stop: ['\n\n', 'User:'] };
    expect(validateSampling(inputOf(settings))).toEqual({ ok: true, settings });
  });
});

describe('settingsFromStored', () => {
  it.each([
    ['nothing', undefined, GREEDY],
    ['a string', 'greedy', GREEDY],
    ['an out-of-range temperature', { ...GREEDY, temperature: 9 }, GREEDY],
    ['a stop list with a non-string', { ...GREEDY, stop: [1] }, GREEDY],
    ['valid settings', { ...GREEDY, temperature: 0.7, seed: 3, stop: ['###'] }, { ...GREEDY, temperature: 0.7, seed: 3, stop: ['###'] }],
    ['stored stops with a newline and a backslash', { ...GREEDY, stop: ['\n', 'a\\nb'] }, { ...GREEDY, stop: ['\n', 'a\\nb'] }],
    ['an empty stored stop', { ...GREEDY, stop: [''] }, GREEDY],
  ])('%s', (_, stored, expected) => {
    expect(settingsFromStored(stored)).toEqual(expected);
  });
});

describe('isDeterministic', () => {
  it.each([
    ['greedy', GREEDY, true],
    ['greedy with a repetition penalty', { ...GREEDY, repetitionPenalty: 1.3 }, true],
    ['sampling with a seed', { ...GREEDY, temperature: 0.7, seed: 0 }, true],
    ['sampling without a seed', { ...GREEDY, temperature: 0.7 }, false],
  ])('%s: %s', (_, settings, expected) => {
    expect(isDeterministic(settings)).toBe(expected);
  });
});

describe('describeSampling', () => {
  it.each([
    [GREEDY, 'greedy'],
    [{ ...GREEDY, temperature: 0.7, topP: 0.9, seed: 42 }, 'temperature 0.7, top-p 0.9, seed 42'],
    [{ ...GREEDY, temperature: 1 }, 'temperature 1, random seed'],
    [{ ...GREEDY, temperature: 0.8, topK: 40, minP: 0.05, repetitionPenalty: 1.1, seed: 1 }, 'temperature 0.8, top-k 40, min-p 0.05, repetition penalty 1.1, seed 1'],
    [{ ...GREEDY, seed: 5, topK: 3 }, 'greedy'],
    [{ ...GREEDY, stop: ['\n', 'END'] }, 'greedy, stop "\\n" "END"'],
  ])('%j → %s', (settings, expected) => {
    expect(describeSampling(settings)).toBe(expected);
  });
});

describe('ignoredSettings', () => {
  const sampled: SamplingSettings = { temperature: 0.7, topK: 40, topP: 0.9, minP: 0.05, repetitionPenalty: 1.1, seed: 1, stop: ['x'] };
  it.each([
    ['transformers', sampled, []],
    ['wllama', sampled, []],
    ['web-llm', sampled, ['top-k', 'min-p']],
    ['web-llm', GREEDY, []],
    ['synthetic', sampled, ['temperature', 'top-k', 'top-p', 'min-p', 'repetition penalty', 'seed', 'stop sequences']],
    ['synthetic', GREEDY, []],
  ] as const)('%s', (engine, settings, expected) => {
    expect(ignoredSettings(engine, settings)).toEqual(expected);
  });

  it.each([
    ['llama.cpp', []],
    ['vllm', []],
    ['ollama', []],
    ['lm-studio', ['top-k', 'min-p', 'repetition penalty']],
    ['other', ['top-k', 'min-p', 'repetition penalty']],
  ])('a remote %s server', (server, expected) => {
    expect(ignoredSettings('remote', sampled, server)).toEqual(expected);
  });
});
