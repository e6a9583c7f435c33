/**
 * The sampling settings through the real engine: transformers.js in Node on the generated
 * wf-stories15m (random weights, so its next-token distribution is wide and different seeds part
 * ways at once), with the very options, logits processor and seeding the app's engine uses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, env, random, type PreTrainedModel, type PreTrainedTokenizer, type Tensor } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateModels } from './generate.ts';
import { GREEDY, type SamplingSettings } from '../../src/models/sampling.ts';
import { toTransformersSampling } from '../../src/workers/transformers-sampling.ts';
import { FilterLogitsProcessor } from '../../src/workers/transformers-filter.ts';

let dir: string;
let tokenizer: PreTrainedTokenizer;
let model: PreTrainedModel;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wf-sampling-'));
  generateModels(dir, ['wf-stories15m']);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = dir;
  [tokenizer, model] = await Promise.all([AutoTokenizer.from_pretrained('wf-stories15m'), AutoModelForCausalLM.from_pretrained('wf-stories15m', { dtype: 'fp32' })]);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What TransformersEngine.run does with a request's settings, minus the worker around it. */
async function run(settings: SamplingSettings, n = 12): Promise<number[]> {
  const sampling = toTransformersSampling(settings);
  const inputs = tokenizer('Once upon a time');
  random.seed(sampling.seed ?? undefined);
  const output = (await model.generate({
    ...inputs,
    max_new_tokens: n,
    ...sampling.options,
    ...(sampling.filter ? { logits_processor: [new FilterLogitsProcessor(sampling.filter)] as never } : {}),
  })) as Tensor;
  return (output.tolist() as bigint[][])[0]!.slice(inputs.input_ids.dims[1]).map(Number);
}

describe('sampling on wf-stories15m in transformers.js', () => {
  const sampled: SamplingSettings = { ...GREEDY, temperature: 1, topP: 0.95, seed: 42 };

  it('repeats itself from the same seed', async () => {
    expect(await run(sampled)).toEqual(await run(sampled));
  });

  it('parts ways from another seed, and from greedy', async () => {
    const [a, b, greedy] = [await run(sampled), await run({ ...sampled, seed: 43 }), await run(GREEDY)];
    expect(a).not.toEqual(b);
    expect(a).not.toEqual(greedy);
  });

  it('is greedy when only the most likely token may be drawn: top-k 1 (the sampler) and min-p 1 (our processor)', async () => {
    const greedy = await run(GREEDY);
    expect(await run({ ...GREEDY, temperature: 1.5, topK: 1, seed: 7 })).toEqual(greedy);
    expect(await run({ ...GREEDY, temperature: 1.5, minP: 1, seed: 7 })).toEqual(greedy);
  });

  it('differs run to run without a seed', async () => {
    const unseeded = { ...sampled, seed: null };
    expect(await run(unseeded)).not.toEqual(await run(unseeded));
  });
});
