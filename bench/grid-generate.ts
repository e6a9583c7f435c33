/**
 * One greedy transformers.js generation for the grid, timed as bench/timed-generate.ts times it
 * (request start → first token → last token) and also returning the prompt's length and the
 * continuation's text, which the grid needs for the prefill rate and keeps in its JSON. Shared by
 * the bare page and the native onnxruntime-node runner.
 */
import type { PreTrainedModel, PreTrainedTokenizer, Tensor, TextStreamer } from '@huggingface/transformers';
import { ratesOf, TimingStreamer } from './timed-generate.ts';
import type { GridPageResult } from './grid-protocol.ts';

export async function gridGenerate(model: PreTrainedModel, tokenizer: PreTrainedTokenizer, prompt: string, maxNewTokens: number, threads: number): Promise<GridPageResult> {
  const streamer = new TimingStreamer();
  const started = performance.now();
  const inputs = tokenizer(prompt) as { input_ids: Tensor };
  const promptTokens = inputs.input_ids.dims.at(-1) ?? 0;
  const output = (await model.generate({ ...inputs, max_new_tokens: maxNewTokens, do_sample: false, streamer: streamer as unknown as TextStreamer })) as Tensor;
  const ids = (output.tolist() as (number | bigint)[][])[0]!.slice(promptTokens).map(Number);
  return {
    ...ratesOf(started, streamer.times),
    promptTokens,
    text: tokenizer.decode(ids, { skip_special_tokens: true }),
    threads,
  };
}
