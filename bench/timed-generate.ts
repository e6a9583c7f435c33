/**
 * One greedy generation timed the way the app times it (request start → first token → last token).
 * Shared by the bare browser page and the native Node runner so the references differ from the app
 * only in where they run.
 */
import { BaseStreamer, type PreTrainedModel, type PreTrainedTokenizer, type TextStreamer } from '@huggingface/transformers';
import type { BareRunResult } from './bare-protocol.ts';

/** The time of every generated token (the prompt's own put is skipped). */
export class TimingStreamer extends BaseStreamer {
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

export async function timedGenerate(model: PreTrainedModel, tokenizer: PreTrainedTokenizer, prompt: string, maxNewTokens: number): Promise<BareRunResult> {
  const streamer = new TimingStreamer();
  const started = performance.now();
  const inputs = tokenizer(prompt);
  await model.generate({ ...inputs, max_new_tokens: maxNewTokens, do_sample: false, streamer: streamer as unknown as TextStreamer });
  return ratesOf(started, streamer.times);
}

/** A generation's figures from its start and its tokens' times: first token after the start, decode over the rest. */
export function ratesOf(started: number, times: readonly number[]): BareRunResult {
  const span = (times.at(-1) ?? 0) - (times[0] ?? 0);
  return {
    outputTokens: times.length,
    ttftMs: (times[0] ?? Number.NaN) - started,
    decodeTps: times.length > 1 && span > 0 ? ((times.length - 1) * 1000) / span : Number.NaN,
  };
}
