/**
 * A hub model's size figures, whichever engine runs it, so that the lists, the storage alert and the
 * council's admission ask one place instead of each telling web-llm's builds from transformers.js's.
 */
import { hubDownloadRange, hubFootprintUpperBytes, type HubModel, type OnnxHubModel } from './catalog.ts';
import { onnxDownloadRange, onnxFootprintUpperBytes } from './onnx-hub.ts';

/** The smallest and largest first download over the model's builds. */
export function downloadRangeOf(model: HubModel | OnnxHubModel): { min: number; max: number } {
  return model.source === 'hub-onnx' ? onnxDownloadRange(model) : hubDownloadRange(model);
}

/** Before the build is known: the largest build's footprint, so admission never counts on a smaller one. */
export function footprintUpperBytesOf(model: HubModel | OnnxHubModel): number {
  return model.source === 'hub-onnx' ? onnxFootprintUpperBytes(model) : hubFootprintUpperBytes(model);
}
