/**
 * The agreement check's forced pass for a transformers.js model (ORT Web on the bare page,
 * onnxruntime-node natively): one forward pass over the reference sequence gives the logits at every
 * position, and each forced position's top-1 and margin are read from them.
 */
import { Tensor, type PreTrainedModel } from '@huggingface/transformers';
import { topTwo, type ForcedTopOne } from './grid-agreement.ts';

/** Top-1 and margin at positions `from`… of `tokens` (the logits at index i − 1 predict token i). */
export async function forcedLogits(model: PreTrainedModel, tokens: readonly number[], from: number): Promise<ForcedTopOne> {
  const inputs = tokens.slice(0, -1);
  const shape = [1, inputs.length];
  const output = (await model({
    input_ids: new Tensor('int64', BigInt64Array.from(inputs, BigInt), shape),
    attention_mask: new Tensor('int64', new BigInt64Array(inputs.length).fill(1n), shape),
  })) as { logits: Tensor };
  const vocab = output.logits.dims.at(-1)!;
  const logits = output.logits.data as Float32Array;
  const top1: number[] = [];
  const margin: number[] = [];
  for (let i = from; i < tokens.length; i++) {
    const row = logits.subarray((i - 1) * vocab, i * vocab);
    const best = topTwo(row);
    top1.push(best.top1);
    margin.push(best.margin);
  }
  return { top1, margin };
}
