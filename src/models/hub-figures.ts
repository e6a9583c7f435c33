/**
 * A hub model's size figures, whichever engine runs it, so that the lists, the storage alert and the
 * council's admission ask one place instead of each telling web-llm's builds from transformers.js's.
 */
import { hubDownloadRange, hubFootprintUpperBytes, type GgufHubModel, type HubModel, type OnnxHubModel } from './catalog.ts';
import { onnxDownloadRange, onnxFootprintUpperBytes } from './onnx-hub.ts';
import { ggufHubFootprint } from './gguf-hub.ts';

/** The smallest and largest first download over the model's builds. */
export function downloadRangeOf(model: HubModel | OnnxHubModel | GgufHubModel): { min: number; max: number } {
  if (model.source === 'hub-gguf') return { min: model.fileBytes, max: model.fileBytes };
  return model.source === 'hub-onnx' ? onnxDownloadRange(model) : hubDownloadRange(model);
}

/** Before the build is known: the largest build's footprint, so admission never counts on a smaller one. */
export function footprintUpperBytesOf(model: HubModel | OnnxHubModel | GgufHubModel): number {
  if (model.source === 'hub-gguf') return Math.round(ggufHubFootprint(model).totalBytes);
  return model.source === 'hub-onnx' ? onnxFootprintUpperBytes(model) : hubFootprintUpperBytes(model);
}
