/**
 * One greedy transformers.js generation for the grid, timed as bench/timed-generate.ts times it
 * (request start → first token → last token) and also returning the prompt's length and the
 * continuation's text, which the grid needs for the prefill rate and the agreement check. Shared by
 * the bare page and the native onnxruntime-node runner.
 */
import { BaseStreamer, type PreTrainedModel, type PreTrainedTokenizer, type Tensor, type TextStreamer } from '@huggingface/transformers';
import type { GridPageResult } from './grid-protocol.ts';

class TokenTimes extends BaseStreamer {
  readonly times: number[] = [];
  private promptSeen = false;
  override put(): void {
    if (!this.promptSeen) {
      this.promptSeen = true;
      return;
    }
    this.times.push(performance.now());
  }
  override end(): void {}
}

export async function gridGenerate(model: PreTrainedModel, tokenizer: PreTrainedTokenizer, prompt: string, maxNewTokens: number, threads: number): Promise<GridPageResult> {
  const streamer = new TokenTimes();
  const started = performance.now();
  const inputs = tokenizer(prompt) as { input_ids: Tensor };
  const promptTokens = inputs.input_ids.dims.at(-1) ?? 0;
  const output = (await model.generate({ ...inputs, max_new_tokens: maxNewTokens, do_sample: false, streamer: streamer as unknown as TextStreamer })) as Tensor;
  const ids = (output.tolist() as (number | bigint)[][])[0]!.slice(promptTokens).map(Number);
  const times = streamer.times;
  const span = (times.at(-1) ?? 0) - (times[0] ?? 0);
  return {
    ttftMs: (times[0] ?? Number.NaN) - started,
    decodeTps: times.length > 1 && span > 0 ? ((times.length - 1) * 1000) / span : Number.NaN,
    outputTokens: times.length,
    promptTokens,
    text: tokenizer.decode(ids, { skip_special_tokens: true }),
    threads,
  };
}
