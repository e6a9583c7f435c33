/**
 * The models the generator can build. Everything that determines a model's files is in its spec, so
 * a spec is also what the up-to-date check hashes.
 */
import type { LlamaShape } from './llama-graph.ts';
import { ALPHABET_END, TINY_SHAPE } from './tiny.ts';

export type WeightRecipe =
  /**
   * wf-tiny's constructed successor mapping; the seed only feeds its scratch-space layers. `endAfter`:
   * the byte after which it says end of text (wf-alphabet); absent, it never does.
   */
  | { kind: 'successor'; seed: string; endAfter?: number }
  /** Noise with the standard deviation of a freshly initialised checkpoint. */
  | { kind: 'random'; seed: string; std: number };

export interface ModelSpec {
  id: string;
  displayName: string;
  /** The published model whose shape (and so compute and memory cost) this one copies, if any. */
  copies: { name: string; url: string } | null;
  shape: LlamaShape;
  maxPositionEmbeddings: number;
  weights: WeightRecipe;
  /** Built by a plain run; the others (too big for every build) only with --all or --only. */
  buildByDefault: boolean;
}

/** SmolLM2 and llama2.c checkpoints are initialised with std 0.02 (HF `initializer_range`). */
const INIT_STD = 0.02;

export const CATALOG: readonly ModelSpec[] = [
  {
    id: 'wf-tiny',
    displayName: 'Wirthforge tiny (successor bytes)',
    copies: null,
    shape: TINY_SHAPE,
    maxPositionEmbeddings: 2048,
    weights: { kind: 'successor', seed: 'wf-tiny' },
    buildByDefault: true,
  },
  {
    id: 'wf-alphabet',
    displayName: 'Wirthforge alphabet (successor bytes, ends after z)',
    copies: null,
    shape: TINY_SHAPE,
    maxPositionEmbeddings: 2048,
    weights: { kind: 'successor', seed: 'wf-alphabet', endAfter: ALPHABET_END },
    buildByDefault: true,
  },
  {
    id: 'wf-stories15m',
    displayName: 'Stories15M shape (random weights)',
    copies: { name: 'karpathy/llama2.c stories15M', url: 'https://huggingface.co/karpathy/tinyllamas' },
    shape: {
      hiddenSize: 288,
      layers: 6,
      heads: 6,
      kvHeads: 6,
      headDim: 48,
      intermediateSize: 768,
      vocabSize: 32000,
      ropeTheta: 10000,
      rmsNormEps: 1e-5,
      tieWordEmbeddings: true,
    },
    maxPositionEmbeddings: 256,
    weights: { kind: 'random', seed: 'wf-stories15m', std: INIT_STD },
    buildByDefault: true,
  },
  {
    id: 'wf-smollm2-135m',
    displayName: 'SmolLM2-135M shape (random weights)',
    copies: { name: 'HuggingFaceTB/SmolLM2-135M', url: 'https://huggingface.co/HuggingFaceTB/SmolLM2-135M' },
    shape: {
      hiddenSize: 576,
      layers: 30,
      heads: 9,
      kvHeads: 3,
      headDim: 64,
      intermediateSize: 1536,
      vocabSize: 49152,
      ropeTheta: 100000,
      rmsNormEps: 1e-5,
      tieWordEmbeddings: true,
    },
    maxPositionEmbeddings: 8192,
    weights: { kind: 'random', seed: 'wf-smollm2-135m', std: INIT_STD },
    buildByDefault: false,
  },
];

export function findSpec(id: string): ModelSpec {
  const spec = CATALOG.find((s) => s.id === id);
  if (spec === undefined) {
    throw new Error(`unknown model "${id}"; known: ${CATALOG.map((s) => s.id).join(', ')}`);
  }
  return spec;
}
