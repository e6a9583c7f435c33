/**
 * Decode speed of one bundled model's builds (fp32, q8, q4, fp16), natively: transformers.js on
 * onnxruntime-node, timed as the app times a run. One pass per build, a short warm-up first; the
 * builds run one after another, so a busy machine shows as noise between them, not as a trend.
 *
 *   npx tsx bench/dtype-decode.ts [model id] [threads] [new tokens]   (defaults: wf-stories15m 1 64)
 */
import { resolve } from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';
import { timedGenerate } from './timed-generate.ts';

const [modelId = 'wf-stories15m', threadsArg = '1', tokensArg = '64'] = process.argv.slice(2);
const threads = Number(threadsArg);
const maxNewTokens = Number(tokensArg);
const PROMPT = 'Once upon a time, there was a little';

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = `${resolve('public/models')}/`;

const tokenizer = await AutoTokenizer.from_pretrained(modelId);
for (const dtype of ['fp32', 'q8', 'q4', 'fp16'] as const) {
  const loadStart = performance.now();
  const model = await AutoModelForCausalLM.from_pretrained(modelId, {
    device: 'cpu',
    dtype,
    session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
  });
  const loadMs = performance.now() - loadStart;
  await timedGenerate(model, tokenizer, PROMPT, 4);
  const run = await timedGenerate(model, tokenizer, PROMPT, maxNewTokens);
  console.log(`${modelId} ${dtype}: decode ${run.decodeTps.toFixed(1)} tok/s, ttft ${run.ttftMs.toFixed(0)} ms, load ${loadMs.toFixed(0)} ms (${run.outputTokens} tokens, ${threads} thread${threads === 1 ? '' : 's'})`);
  await model.dispose();
}
