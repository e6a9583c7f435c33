/**
 * Sampling settings in transformers.js's terms, as pure functions (no transformers.js import).
 *
 * transformers.js 4.3 applies temperature and the repetition penalty and samples from the top k,
 * but its top-p warper is an empty class and it has no min-p at all; `filterLogits` does both (and
 * top-k, so the order is the usual temperature → top-k → top-p → min-p), run as a logits processor
 * after the library's own. Its sampler draws from one module-level Mersenne Twister that the
 * library exports with a `seed()`; one engine per worker and one generation at a time make seeding
 * it right before `generate()` repeatable (see TransformersEngine.run).
 */
import { GREEDY, isGreedy, type SamplingSettings } from '../models/sampling.ts';

export interface TransformersGenerateOptions {
  do_sample: boolean;
  /** Passed only when sampling: transformers.js warns about (and ignores) a temperature while greedy. */
  temperature?: number;
  top_k?: number;
  repetition_penalty: number;
}

export interface LogitsFilter {
  topK: number;
  topP: number;
  minP: number;
}

export interface TransformersSampling {
  options: TransformersGenerateOptions;
  /** null: nothing for our own logits processor to do. */
  filter: LogitsFilter | null;
  /** What to seed the sampler with; null: fresh entropy, so an unseeded run does not repeat the last seeded one. */
  seed: number | null;
  stop: string[];
}

export function toTransformersSampling(settings: SamplingSettings = GREEDY): TransformersSampling {
  if (isGreedy(settings)) {
    return { options: { do_sample: false, repetition_penalty: settings.repetitionPenalty }, filter: null, seed: null, stop: settings.stop };
  }
  const filtering = settings.topP < 1 || settings.minP > 0;
  return {
    options: {
      do_sample: true,
      temperature: settings.temperature,
      // 0 means the whole vocabulary to the sampler; the model's generation config may say 50 otherwise.
      top_k: settings.topK,
      repetition_penalty: settings.repetitionPenalty,
    },
    filter: filtering ? { topK: settings.topK, topP: settings.topP, minP: settings.minP } : null,
    seed: settings.seed,
    stop: settings.stop,
  };
}

/**
 * Sets every score outside top-k, then top-p, then min-p to -Infinity, in place (one row of
 * logits, already divided by the temperature). The most likely token always survives.
 */
export function filterLogits(scores: Float32Array, filter: LogitsFilter): void {
  const n = scores.length;
  if (n === 0) return;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let keep = filter.topK > 0 ? Math.min(filter.topK, n) : n;
  const top = scores[order[0]!]!;
  const weights = new Float64Array(keep);
  let total = 0;
  for (let r = 0; r < keep; r++) {
    weights[r] = Math.exp(scores[order[r]!]! - top);
    total += weights[r]!;
  }
  if (filter.topP < 1) {
    let cumulative = 0;
    for (let r = 0; r < keep; r++) {
      cumulative += weights[r]! / total;
      if (cumulative >= filter.topP) {
        keep = r + 1;
        break;
      }
    }
  }
  if (filter.minP > 0) {
    // weights[0] is the most likely token's, exp(0) = 1: a token stays when its weight is ≥ min-p.
    let r = 1;
    while (r < keep && weights[r]! >= filter.minP) r++;
    keep = r;
  }
  for (let r = keep; r < n; r++) scores[order[r]!] = Number.NEGATIVE_INFINITY;
}
