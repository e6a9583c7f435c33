import { describe, expect, it } from 'vitest';
import { GREEDY } from '../models/sampling.ts';
import { filterLogits, toTransformersSampling, type LogitsFilter } from './transformers-sampling.ts';

describe('toTransformersSampling', () => {
  it.each([
    ['absent settings are greedy', undefined, { options: { do_sample: false, repetition_penalty: 1 }, filter: null, seed: null, stop: [] }],
    ['greedy ignores a seed and the sampling filters', { ...GREEDY, seed: 4, topP: 0.5, repetitionPenalty: 1.2, stop: ['x'] }, { options: { do_sample: false, repetition_penalty: 1.2 }, filter: null, seed: null, stop: ['x'] }],
    ['temperature alone samples the whole vocabulary', { ...GREEDY, temperature: 0.7 }, { options: { do_sample: true, temperature: 0.7, top_k: 0, repetition_penalty: 1 }, filter: null, seed: null, stop: [] }],
    ['top-k goes to the sampler, top-p and min-p to our filter', { ...GREEDY, temperature: 1, topK: 40, topP: 0.9, minP: 0.05, seed: 42 }, { options: { do_sample: true, temperature: 1, top_k: 40, repetition_penalty: 1 }, filter: { topK: 40, topP: 0.9, minP: 0.05 }, seed: 42, stop: [] }],
  ] as const)('%s', (_, settings, expected) => {
    expect(toTransformersSampling(settings as never)).toEqual(expected);
  });
});

/** Logits whose softmax is the given probabilities (log p). */
function logitsOf(probabilities: number[]): Float32Array {
  return Float32Array.from(probabilities.map((p) => Math.log(p)));
}

function kept(probabilities: number[], filter: LogitsFilter): number[] {
  const scores = logitsOf(probabilities);
  filterLogits(scores, filter);
  return [...scores.keys()].filter((i) => scores[i] !== Number.NEGATIVE_INFINITY);
}

describe('filterLogits', () => {
  const p = [0.1, 0.5, 0.05, 0.3, 0.05];
  it.each([
    ['nothing to filter', { topK: 0, topP: 1, minP: 0 }, [0, 1, 2, 3, 4]],
    ['top-k 2', { topK: 2, topP: 1, minP: 0 }, [1, 3]],
    ['top-p 0.5 keeps the first token that reaches it', { topK: 0, topP: 0.5, minP: 0 }, [1]],
    ['top-p 0.8 needs two tokens', { topK: 0, topP: 0.8, minP: 0 }, [1, 3]],
    ['top-p 0.85 needs three', { topK: 0, topP: 0.85, minP: 0 }, [0, 1, 3]],
    ['top-p after top-k renormalises over the k kept (0.5 / 0.8 ≥ 0.6)', { topK: 2, topP: 0.6, minP: 0 }, [1]],
    ['min-p 0.15 drops tokens under 15 % of the best', { topK: 0, topP: 1, minP: 0.15 }, [0, 1, 3]],
    ['min-p 0.7 keeps only the best', { topK: 0, topP: 1, minP: 0.7 }, [1]],
    ['min-p 1 keeps the best even alone', { topK: 0, topP: 1, minP: 1 }, [1]],
    ['a tiny top-p keeps the best', { topK: 0, topP: 0.01, minP: 0 }, [1]],
  ])('%s', (_, filter, expected) => {
    expect(kept(p, filter)).toEqual(expected);
  });

  it('leaves the kept scores unchanged', () => {
    const scores = logitsOf(p);
    const before = [...scores];
    filterLogits(scores, { topK: 0, topP: 0.8, minP: 0 });
    expect(scores[1]).toBe(before[1]);
    expect(scores[3]).toBe(before[3]);
  });
});
