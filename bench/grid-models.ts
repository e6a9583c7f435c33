/**
 * The grid's model files in the served build: the grid model's ONNX model and its GGUF builds, generated
 * into `<dist>/models` when the manifest there lacks any of them. The 135M shape (`--full`) is never in
 * public/models (too big for every build), so its ~1.9 GB of files live only in the build the grid serves.
 */
import { findSpec } from '../scripts/models/catalog.ts';
import { generateModels, readManifest } from '../scripts/models/generate.ts';
import { gridModelIds } from './grid-plan.ts';

export function ensureGridModels(modelsDir: string, model: string): void {
  const listed = new Set((readManifest(modelsDir)?.models ?? []).map((m) => m.id));
  const missing = gridModelIds(model).filter((id) => !listed.has(id));
  if (missing.length === 0) return;
  const started = performance.now();
  console.log(`[grid] generating ${findSpec(model).id} and its GGUF builds into ${modelsDir} (missing: ${missing.join(', ')})…`);
  generateModels(modelsDir, [model]);
  console.log(`[grid]   generated in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
