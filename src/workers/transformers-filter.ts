/**
 * `filterLogits` as a transformers.js logits processor, so that generate() applies top-k, top-p
 * and min-p after its own temperature (see transformers-sampling.ts for why it is ours). Apart from
 * the engine so that the Node test of the real engine runs this very class.
 */
import { LogitsProcessor, type Tensor } from '@huggingface/transformers';
import { filterLogits, type LogitsFilter } from './transformers-sampling.ts';

export class FilterLogitsProcessor extends LogitsProcessor {
  constructor(private readonly filter: LogitsFilter) {
    super();
  }

  override _call(_inputIds: bigint[][], logits: Tensor): Tensor {
    const data = logits.data as Float32Array;
    const vocab = Number(logits.dims.at(-1) ?? data.length);
    for (let at = 0; at + vocab <= data.length; at += vocab) filterLogits(data.subarray(at, at + vocab), this.filter);
    return logits;
  }
}
